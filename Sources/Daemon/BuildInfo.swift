import CBuildVersion

/// What this binary is: `consciousness --version`, `consciousness_build_info`.
public enum BuildInfo {
    /// `git describe --tags --always --dirty` at `make`, else "unknown (built without make)".
    public static let version = String(cString: consciousness_build_version())
}
