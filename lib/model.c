/*
 * The object model's few operations: freeing an object, reading its
 * annotations, and the names of its enumerations, so that decode.c,
 * validate.c, the ruleset and compile.c spell them alike.
 */
#include <string.h>

#include "model.h"

void ingroute__object_free(ig_object *o)
{
	ig_alloc a;

	if (!o)
		return;
	a = *o->arena.alloc;
	ingroute__arena_free(&o->arena);
	ingroute__free(&a, o);
}

const ig_str *ingroute__object_annotation(const ig_object *o, const char *key)
{
	size_t klen = strlen(key);
	uint32_t i;

	for (i = 0; i < o->nannotations; i++)
		if (o->annotations[i].key.len == klen &&
		    memcmp(o->annotations[i].key.s, key, klen) == 0)
			return &o->annotations[i].value;
	return NULL;
}

const char *ingroute__object_kind_name(const ig_object *o)
{
	return o->kind == IG_OBJ_INGRESS ? "Ingress" : "IngressClass";
}

/* Indexed by enum ig_path_type. */
static const char *const path_type_names[] = {
	NULL, "Exact", "Prefix", "ImplementationSpecific"
};

const char *ingroute__path_type_name(int type)
{
	if (type < IG_PT_EXACT || type > IG_PT_IMPL)
		return NULL;
	return path_type_names[type];
}

int ingroute__path_type_parse(const char *s, size_t n)
{
	int t;

	for (t = IG_PT_EXACT; t <= IG_PT_IMPL; t++)
		if (n == strlen(path_type_names[t]) &&
		    memcmp(s, path_type_names[t], n) == 0)
			return t;
	return IG_PT_OTHER;
}
