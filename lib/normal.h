/*
 * The checks that tell a request needs no normalising (docs/semantics.md
 * §4): most hosts arrive lowercase without a port, most paths without
 * escapes, dot segments or doubled slashes, and then a lookup matches them
 * in place. Inline, because they run on every lookup and a call costs as
 * much as the check of a short host; normalize.c holds the scalar
 * references the tests hold these to, and the rewriting itself.
 */
#ifndef INGROUTE_NORMAL_H
#define INGROUTE_NORMAL_H

#include <stdint.h>
#include <string.h>

#include "router.h"

/* The index of x's lowest set bit; x is not 0. */
static inline size_t ig_low_bit(unsigned x)
{
#if defined(__GNUC__)
	return (size_t)__builtin_ctz(x);
#else
	size_t i = 0;

	while (!(x & 1u)) {
		x >>= 1;
		i++;
	}
	return i;
#endif
}

#if defined(__SSE2__)
#include <emmintrin.h>

/* s[0..n) for n < 16, zero-padded to 16 bytes, from loads that stay
 * inside those n bytes: overlapping word loads instead of a copy into a
 * buffer (SSE2 means x86, so little-endian). */
static inline __m128i ig_load_short(const char *s, size_t n)
{
	uint64_t lo = 0, hi = 0;

	if (n >= 8) {
		memcpy(&lo, s, 8);
		memcpy(&hi, s + n - 8, 8);
		/* s[8..n) down to the low bytes: it ended at byte 8 of hi. */
		hi = n > 8 ? hi >> (8 * (16 - n)) : 0;
	} else if (n >= 4) {
		uint32_t a, b;

		memcpy(&a, s, 4);
		memcpy(&b, s + n - 4, 4);
		lo = a | (uint64_t)b << (8 * (n - 4));
	} else if (n > 0) {
		lo = (uint64_t)(unsigned char)s[0] |
		     (uint64_t)(unsigned char)s[n / 2] << (8 * (n / 2)) |
		     (uint64_t)(unsigned char)s[n - 1] << (8 * (n - 1));
	}
	return _mm_set_epi64x((long long)hi, (long long)lo);
}

/* Bytes of v in [lo, lo + span], as a mask: one subtraction and an
 * unsigned minimum, so bytes below lo wrap high and fall out. */
static inline unsigned ig_in_range(__m128i v, char lo, unsigned char span)
{
	__m128i x = _mm_sub_epi8(v, _mm_set1_epi8(lo));

	return (unsigned)_mm_movemask_epi8(
		_mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8((char)span)), x));
}

static inline unsigned ig_eq(__m128i v, char c)
{
	return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(c)));
}

/* Both checks walk s[0..n) 16 bytes at a time: in place while 16 remain,
 * the last piece as the last 16 bytes again (bytes already checked are
 * checked again, harmlessly; *carry, which speaks of the byte before the
 * piece, is dropped unless the piece starts right after the one before),
 * and under 16 bytes in all as ig_load_short()'s zero-padded copy. A
 * piece's check returns nonzero for a byte that needs normalising. */

/* Host: valid marks the real bytes (a padding zero is no host byte);
 * *name collects letters and '-'; *carry is 1 after a '.'; *dots gets
 * the piece's dots. */
static inline unsigned ig_host_piece(__m128i v, unsigned valid,
                                     unsigned *carry, unsigned *name,
                                     unsigned *dots)
{
	unsigned letters = ig_in_range(v, 'a', 25) | ig_eq(v, '-');
	unsigned d = ig_eq(v, '.');
	unsigned ok = letters | d | ig_in_range(v, '0', 9);
	unsigned bad = (~ok & valid) | (d & ((d << 1) | *carry));

	*name |= letters & valid;
	*carry = d >> 15;
	*dots = d;
	return bad;
}

/* 1 when normalising would return the host as it is: 1 to IG_MAX_HOST
 * bytes of [a-z0-9.-], a letter or '-' among them (else it is an IPv4
 * literal), no dot first, last or next to another. Sets *dot to where
 * its first '.' is, n for none: the wildcard's suffix starts after it,
 * found here for free instead of by a memchr. */
static inline int ig_host_is_normal_dot(const char *h, size_t n, size_t *dot)
{
	unsigned name = 0, carry = 0, bad = 0, d;
	size_t i, first = n;

	if (n == 0 || n > IG_MAX_HOST || h[0] == '.' || h[n - 1] == '.')
		return 0;
	if (n < 16) {
		bad = ig_host_piece(ig_load_short(h, n), (1u << n) - 1, &carry,
		                    &name, &d);
		*dot = d ? ig_low_bit(d) : n;
		return !bad && name;
	}
	for (i = 0; i + 16 < n; i += 16) {
		bad |= ig_host_piece(_mm_loadu_si128((const __m128i *)(const void *)
		                                     (h + i)), 0xffffu, &carry, &name, &d);
		if (d && first == n)
			first = i + ig_low_bit(d);
	}
	if (i != n - 16)
		carry = 0;
	bad |= ig_host_piece(_mm_loadu_si128((const __m128i *)(const void *)
	                                     (h + n - 16)), 0xffffu, &carry, &name, &d);
	/* A dot among the bytes checked again was found before. */
	if (d && first == n)
		first = n - 16 + ig_low_bit(d);
	*dot = first;
	return !bad && name;
}

static inline int ig_host_is_normal(const char *h, size_t n)
{
	size_t dot;

	return ig_host_is_normal_dot(h, n, &dot);
}

/* Path: '%', '?', '#' and "//" need normalising; a '.' after a '/' is
 * noted in *look, for the byte-wise look; *carry is 1 after a '/'.
 * Padding zeros match none of these, so the piece needs no valid mask. */
static inline unsigned ig_path_piece(__m128i v, unsigned *carry,
                                     unsigned *look)
{
	unsigned s = ig_eq(v, '/');
	unsigned after = (s << 1) | *carry;   /* bytes that follow a '/' */
	unsigned bad = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(
		_mm_cmpeq_epi8(v, _mm_set1_epi8('%')),
		_mm_cmpeq_epi8(v, _mm_set1_epi8('?'))),
		_mm_cmpeq_epi8(v, _mm_set1_epi8('#'))));

	*look |= ig_eq(v, '.') & after;
	*carry = s >> 15;
	return bad | (s & after);
}

/* 1 when a path needs no normalising: it starts with '/' and holds no
 * '%', '?', '#', "//", or dot segment. Only a '/' followed by '.' needs
 * the byte-wise look (normalize.c), to tell "/." and "/.." from "/.well". */
static inline int ig_path_is_normal(const char *p, size_t n)
{
	unsigned carry = 0, look = 0, bad = 0;
	size_t i;

	if (n == 0 || p[0] != '/')
		return 0;
	if (n < 16) {
		bad = ig_path_piece(ig_load_short(p, n), &carry, &look);
	} else {
		for (i = 0; i + 16 < n; i += 16)
			bad |= ig_path_piece(_mm_loadu_si128((const __m128i *)
			                                     (const void *)(p + i)),
			                     &carry, &look);
		if (i != n - 16)
			carry = 0;
		bad |= ig_path_piece(_mm_loadu_si128((const __m128i *)(const void *)
		                                     (p + n - 16)), &carry, &look);
	}
	if (bad)
		return 0;
	return !look || ingroute__path_is_normal_scalar(p, n);
}
#else
#define ig_host_is_normal ingroute__host_is_normal_scalar
#define ig_path_is_normal ingroute__path_is_normal_scalar

static inline int ig_host_is_normal_dot(const char *h, size_t n, size_t *dot)
{
	const char *d = memchr(h, '.', n);

	*dot = d ? (size_t)(d - h) : n;
	return ingroute__host_is_normal_scalar(h, n);
}
#endif

#endif
