/* The tool's JSON reader and string writer; see json.h. */
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "utf8.h"   /* lib/: the library's own decoder */

typedef struct parser {
	const char *p;
	int depth;
} parser;

static void ws(parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
		ps->p++;
}

static int hexv(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	     : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static void put_utf8(char **w, unsigned cp)
{
	char *o = *w;

	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xc0 | (cp >> 6));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xe0 | (cp >> 12));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*o++ = (char)(0xf0 | (cp >> 18));
		*o++ = (char)(0x80 | ((cp >> 12) & 0x3f));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	}
	*w = o;
}

static char *string(parser *ps)
{
	const char *s = ++ps->p;
	char *out, *w;

	while (*ps->p && *ps->p != '"')
		ps->p += *ps->p == '\\' && ps->p[1] ? 2 : 1;
	if (*ps->p != '"')
		return NULL;
	/* Decoded text is never longer than its escaped form. */
	out = w = malloc((size_t)(ps->p - s) + 1);
	if (!out)
		return NULL;
	while (s < ps->p) {
		if (*s != '\\') {
			*w++ = *s++;
			continue;
		}
		s++;
		switch (*s) {
		case 'n': *w++ = '\n'; s++; break;
		case 't': *w++ = '\t'; s++; break;
		case 'r': *w++ = '\r'; s++; break;
		case 'b': *w++ = '\b'; s++; break;
		case 'f': *w++ = '\f'; s++; break;
		case 'u': {
			unsigned cp = 0;
			int k;

			for (k = 1; k <= 4; k++)
				cp = cp * 16 + (unsigned)(hexv(s[k]) < 0 ? 0 : hexv(s[k]));
			s += 5;
			put_utf8(&w, cp);
			break;
		}
		default: *w++ = *s++; break;
		}
	}
	*w = '\0';
	ps->p++;
	return out;
}

static json *value(parser *ps);

static json *node(int type)
{
	json *j = calloc(1, sizeof(*j));

	if (j)
		j->type = type;
	return j;
}

static json *collection(parser *ps, int obj)
{
	json *j = node(obj ? J_OBJ : J_ARR), **tail;
	char close = obj ? '}' : ']';

	if (!j || ++ps->depth > 200)
		return json_free(j), NULL;
	tail = &j->kids;
	ps->p++;
	ws(ps);
	if (*ps->p == close) {
		ps->p++;
		ps->depth--;
		return j;
	}
	for (;;) {
		char *key = NULL;
		json *k;

		ws(ps);
		if (obj) {
			if (*ps->p != '"' || !(key = string(ps)))
				break;
			ws(ps);
			if (*ps->p++ != ':') {
				free(key);
				break;
			}
		}
		k = value(ps);
		if (!k) {
			free(key);
			break;
		}
		k->key = key;
		*tail = k;
		tail = &k->next;
		ws(ps);
		if (*ps->p == close) {
			ps->p++;
			ps->depth--;
			return j;
		}
		if (*ps->p++ != ',')
			break;
	}
	json_free(j);
	return NULL;
}

static json *value(parser *ps)
{
	json *j;

	ws(ps);
	switch (*ps->p) {
	case '{': return collection(ps, 1);
	case '[': return collection(ps, 0);
	case '"':
		j = node(J_STR);
		if (j && !(j->str = string(ps)))
			return json_free(j), NULL;
		return j;
	case 't':
	case 'f':
	case 'n':
		if (!strncmp(ps->p, "true", 4) || !strncmp(ps->p, "null", 4) ||
		    !strncmp(ps->p, "false", 5)) {
			j = node(*ps->p == 'n' ? J_NULL : J_BOOL);
			if (j)
				j->num = *ps->p == 't';
			ps->p += *ps->p == 'f' ? 5 : 4;
			return j;
		}
		return NULL;
	default: {
		char *end;
		double v = strtod(ps->p, &end);

		if (end == ps->p)
			return NULL;
		ps->p = end;
		j = node(J_NUM);
		if (j)
			j->num = v;
		return j;
	}
	}
}

json *json_parse(const char *text)
{
	parser ps = { text, 0 };
	json *j = value(&ps);

	ws(&ps);
	if (j && *ps.p) {
		json_free(j);
		return NULL;
	}
	return j;
}

void json_free(json *j)
{
	while (j) {
		json *next = j->next;

		json_free(j->kids);
		free(j->str);
		free(j->key);
		free(j);
		j = next;
	}
}

const json *json_get(const json *obj, const char *key)
{
	const json *k;

	if (!obj || obj->type != J_OBJ)
		return NULL;
	for (k = obj->kids; k; k = k->next)
		if (strcmp(k->key, key) == 0)
			return k;
	return NULL;
}

const char *json_str(const json *obj, const char *key)
{
	const json *k = json_get(obj, key);

	return k && k->type == J_STR ? k->str : NULL;
}

void json_put_strn(FILE *f, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, k;

	fputc('"', f);
	while (i < n) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\') {
			fprintf(f, "\\%c", c);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(f, "\\u%04x", c);
			i++;
		} else if (c < 0x80) {
			fputc(c, f);
			i++;
		} else if ((k = ig_utf8_len(s + i, n - i)) > 0) {
			fwrite(s + i, 1, k, f);
			i += k;
		} else {
			/* JSON is UTF-8: a stray byte becomes U+FFFD. */
			fputs("\\ufffd", f);
			i++;
		}
	}
	fputc('"', f);
}

void json_put_str(FILE *f, const char *s)
{
	if (s)
		json_put_strn(f, s, strlen(s));
	else
		fputs("null", f);
}
