/*
 * A small JSON reader for the command-line tool, which renders the
 * library's explain and dump JSON as text. Trusted input only (it comes
 * from the library), but malformed text still fails cleanly.
 */
#ifndef INGROUTE_TOOLS_JSON_H
#define INGROUTE_TOOLS_JSON_H

#include <stdio.h>
#include <stddef.h>

enum json_type { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

typedef struct json json;
struct json {
	int type;
	double num;          /* J_NUM, and J_BOOL as 0/1 */
	char *str;           /* J_STR (decoded, NUL-terminated) */
	char *key;           /* member name inside an object */
	json *kids;          /* J_ARR, J_OBJ: first child */
	json *next;          /* next sibling */
};

json *json_parse(const char *text);            /* NULL when malformed */
void json_free(json *j);
const json *json_get(const json *obj, const char *key);   /* NULL if absent */
const char *json_str(const json *obj, const char *key);   /* NULL if not a string */

/* Writes s as a JSON string. */
void json_put_str(FILE *f, const char *s);
void json_put_strn(FILE *f, const char *s, size_t n);

#endif
