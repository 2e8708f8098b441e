import Hummingbird
import NIOCore

/// A request's context on the control socket: Hummingbird's, plus the connection, so a
/// handler can ask the kernel who the peer is.
struct ControlContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}
