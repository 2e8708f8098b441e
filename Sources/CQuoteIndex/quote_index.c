// Everything is in include/quote_index.h (static inline, for the Swift caller to
// inline); a C target needs one source file.
#include "quote_index.h"
