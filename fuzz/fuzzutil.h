/*
 * Shared by the fuzz targets: a strict JSON checker (RFC 8259 grammar,
 * UTF-8 text, bounded depth) for what explain and dump print, and a
 * failing allocator the loader target uses to take every error path.
 * A violated property aborts with both sides printed, so libFuzzer keeps
 * the input as a crash and the replay test fails.
 */
#ifndef INGROUTE_FUZZUTIL_H
#define INGROUTE_FUZZUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingroute.h"
#include "utf8.h"       /* lib/: the library's own decoder */

#define FUZZ_CHECK(cond, ...)                                            \
	do {                                                             \
		if (!(cond)) {                                           \
			fprintf(stderr, "%s:%d: property failed: %s\n",  \
			        __FILE__, __LINE__, #cond);              \
			fprintf(stderr, __VA_ARGS__);                    \
			fputc('\n', stderr);                             \
			abort();                                         \
		}                                                        \
	} while (0)

/* ---- JSON */

static inline const unsigned char *fz_json_value(const unsigned char *p, int depth);

static inline const unsigned char *fz_json_ws(const unsigned char *p)
{
	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	return p;
}

static inline int fz_hex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

static inline const unsigned char *fz_json_string(const unsigned char *p)
{
	if (*p++ != '"')
		return NULL;
	while (*p != '"') {
		if (*p < 0x20)
			return NULL;            /* also the terminating NUL */
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				int k;

				for (k = 1; k <= 4; k++)
					if (!fz_hex(p[k]))
						return NULL;
				p += 5;
			} else if (*p && strchr("\"\\/bfnrt", *p)) {
				p++;
			} else {
				return NULL;
			}
		} else if (*p >= 0x80) {
			/* The text is NUL-terminated and a NUL is no
			 * continuation byte, so a bound of 4 never reads
			 * past it. */
			size_t k = ig_utf8_len(p, 4);

			if (!k)
				return NULL;
			p += k;
		} else {
			p++;
		}
	}
	return p + 1;
}

static inline const unsigned char *fz_json_number(const unsigned char *p)
{
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return NULL;
	if (*p == '.') {
		p++;
		if (!(*p >= '0' && *p <= '9'))
			return NULL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return NULL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return p;
}

static inline const unsigned char *fz_json_value(const unsigned char *p, int depth)
{
	if (depth > 200)
		return NULL;
	p = fz_json_ws(p);
	if (*p == '{' || *p == '[') {
		unsigned char close = *p == '{' ? '}' : ']';
		int obj = *p == '{';

		p = fz_json_ws(p + 1);
		if (*p == close)
			return p + 1;
		for (;;) {
			if (obj) {
				if (!(p = fz_json_string(fz_json_ws(p))))
					return NULL;
				p = fz_json_ws(p);
				if (*p++ != ':')
					return NULL;
			}
			if (!(p = fz_json_value(p, depth + 1)))
				return NULL;
			p = fz_json_ws(p);
			if (*p == close)
				return p + 1;
			if (*p++ != ',')
				return NULL;
		}
	}
	if (*p == '"')
		return fz_json_string(p);
	if (!strncmp((const char *)p, "true", 4) || !strncmp((const char *)p, "null", 4))
		return p + 4;
	if (!strncmp((const char *)p, "false", 5))
		return p + 5;
	return fz_json_number(p);
}

/* 1 when s (of length len, NUL-terminated) is one JSON value. */
static inline int fz_json_ok(const char *s, size_t len)
{
	const unsigned char *end;

	if (strlen(s) != len)
		return 0;
	end = fz_json_value((const unsigned char *)s, 0);
	return end && *fz_json_ws(end) == '\0';
}

static inline const char *fz_decision_name(int d)
{
	return d == INGROUTE_DECISION_PATH ? "path"
	     : d == INGROUTE_DECISION_DEFAULT ? "default" : "none";
}

/* explain's "decision" member must be match's decision. */
static inline int fz_explain_says(const char *json, int decision)
{
	char want[64];

	snprintf(want, sizeof(want), ",\"decision\":\"%s\"", fz_decision_name(decision));
	return strstr(json, want) != NULL;
}

#endif
