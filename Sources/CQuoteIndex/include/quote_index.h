#ifndef CONSCIOUSNESS_QUOTE_INDEX_H
#define CONSCIOUSNESS_QUOTE_INDEX_H

// The scanner's quote index with SSE2 (every x86-64 has it): sixteen bytes a
// compare, and `pmovmskb` to turn a compare into a bit per byte — which Swift's SIMD
// types cannot say (a SIMDMask has no bitmask; the compiler spills it byte by
// byte). Header-only and `static inline`: Swift's clang importer compiles it into
// the caller, where it is inlined like Swift code.
//
// The contract is `QuoteIndex.indexPlainPortable`'s (the eight-bytes-a-step SWAR
// version, kept for other architectures and as the tests' oracle).

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>

// Sixteen bytes: the bits of the quotes in *quotes; returned, the bits of the bytes
// that make a line not plain — a backslash, or a byte below 0x20 or at or above 0x80
// (one signed compare against 0x20 catches both).
static inline uint32_t consciousness_classify16(__m128i v, uint32_t *quotes) {
    *quotes = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')));
    __m128i backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
    __m128i control_or_high = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
    return (uint32_t)_mm_movemask_epi8(_mm_or_si128(backslash, control_or_high));
}

// Indexes the quotes of the line p[0..<n]: bit k of bits[k / 64] is set when byte k
// is a quote; bits must hold (n + 63) / 64 words. Returns nonzero when the line is
// not plain (its bits are then not to be used). Reads p[0..<n] only.
static inline int consciousness_index_quotes(const uint8_t *p, size_t n, uint64_t *bits) {
    uint32_t special = 0, q0, q1, q2, q3;
    size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        special |= consciousness_classify16(_mm_loadu_si128((const __m128i *)(p + i)), &q0);
        special |= consciousness_classify16(_mm_loadu_si128((const __m128i *)(p + i + 16)), &q1);
        special |= consciousness_classify16(_mm_loadu_si128((const __m128i *)(p + i + 32)), &q2);
        special |= consciousness_classify16(_mm_loadu_si128((const __m128i *)(p + i + 48)), &q3);
        bits[i >> 6] = (uint64_t)q0 | (uint64_t)q1 << 16 | (uint64_t)q2 << 32 | (uint64_t)q3 << 48;
    }
    uint64_t mask = 0;
    for (; i + 16 <= n; i += 16) {
        special |= consciousness_classify16(_mm_loadu_si128((const __m128i *)(p + i)), &q0);
        mask |= (uint64_t)q0 << (i & 63);
    }
    size_t rest = n - i;
    if (rest > 0) {
        uint32_t s;
        if (n >= 16) {
            // The sixteen bytes that end where the line ends, shifted down to its
            // last `rest` (no read past p + n: that could be an unmapped page).
            s = consciousness_classify16(_mm_loadu_si128((const __m128i *)(p + n - 16)), &q0);
            s >>= 16 - rest;
            q0 >>= 16 - rest;
        } else {
            uint8_t tail[16];
            memcpy(tail, p + i, rest);
            memset(tail + rest, ' ', 16 - rest);
            s = consciousness_classify16(_mm_loadu_si128((const __m128i *)tail), &q0);
        }
        special |= s;
        mask |= (uint64_t)q0 << (i & 63);
    }
    if (n & 63) bits[n >> 6] = mask;
    return special != 0;
}
#endif

#endif
