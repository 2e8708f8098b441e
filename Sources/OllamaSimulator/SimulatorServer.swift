import NIOCore
import NIOHTTP1
import NIOPosix

typealias HTTPListener = NIOAsyncChannel<HTTPConnection, Never>

/// The listening socket and its accept loop.
enum SimulatorServer {
    static func bind(host: String, port: Int) async throws -> HTTPListener {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try HTTPConnection(wrappingChannelSynchronously: channel)
                }
            }
    }

    /// Accepts until the listener closes or the task is cancelled. Cancellation reaches the
    /// connection tasks too, which is what ends stalled connections at shutdown.
    static func serve(_ listener: HTTPListener, with handler: ConnectionHandler) async {
        do {
            // A discarding group: finished connections must not pile up as results.
            try await withThrowingDiscardingTaskGroup { group in
                try await listener.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { await handler.handle(connection) }
                    }
                }
            }
        } catch {
            // The listener closed; nothing is left to serve.
        }
    }
}
