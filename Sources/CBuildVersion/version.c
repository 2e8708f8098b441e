#include "build_version.h"

// generated_version.h is written by the Makefile (`make version`), only when its text
// changes, so a commit recompiles this one file and relinks; it is not committed.
#if __has_include("generated_version.h")
#include "generated_version.h"
#endif

#ifndef CONSCIOUSNESS_VERSION
#define CONSCIOUSNESS_VERSION "unknown (built without make)"
#endif

const char *consciousness_build_version(void) { return CONSCIOUSNESS_VERSION; }
