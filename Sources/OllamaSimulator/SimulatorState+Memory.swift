/// The simulated machine's memory: the OS, the external hog and the resident models, as the
/// meminfo file publishes it.
extension SimulatorState {
    /// Weights + KV + overhead of every resident model, those being unloaded included.
    func residentBytes() -> Int64 {
        entries.values.reduce(Int64(0)) { $0 + $1.sizeBytes }
    }

    func usedBytes() -> Int64 {
        configuration.baseUsedBytes + hog.bytes() + residentBytes()
    }

    /// MemAvailable as published (never negative).
    func availableBytes() -> Int64 {
        max(0, configuration.memTotalBytes - usedBytes())
    }

    func hogBytes() -> Int64 {
        hog.bytes()
    }

    /// Pins the hog to `bytes` (nil: back to the configured wave) and republishes meminfo.
    func setHog(bytes: Int64?) {
        hog.pinnedBytes = bytes.map { max(0, $0) }
        publishMeminfo()
    }

    func publishMeminfo() {
        let used = usedBytes()
        publishedUsedBytes = used
        meminfo?.write(totalBytes: configuration.memTotalBytes, usedBytes: used)
    }

    /// The sweeper's tick: expire what is due, and republish meminfo when the used memory
    /// changed (the hog moves between loads and unloads).
    func tick() {
        expireDue()
        if usedBytes() != publishedUsedBytes { publishMeminfo() }
    }
}
