#ifndef CONSCIOUSNESS_BUILD_VERSION_H
#define CONSCIOUSNESS_BUILD_VERSION_H

/// The version `git describe --tags --always --dirty` gave when `make` built this
/// binary, or "unknown" for a build made without the Makefile.
const char *consciousness_build_version(void);

#endif
