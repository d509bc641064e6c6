/*
 * Frozen layout of the public structs.
 *
 * The numbers below are the published v0.1 layout on LP64 (measured on
 * x86_64 Linux; aarch64 Linux is identical) and must NEVER change within
 * SONAME libingroute.so.1: callers compiled against this header bake these
 * offsets into their binaries. New members may only be appended, which
 * adds entries here and grows sizeof; it never edits an existing line.
 *
 * Other ABIs (ILP32, x32, Windows LLP64, ...) have different numbers and
 * are skipped rather than guessed at.
 */
#include <stdio.h>
#include "ingroute.h"

#if (defined(__x86_64__) || defined(__aarch64__)) && defined(__LP64__)

struct expect {
	const char *what;
	size_t got, want;
};

#define SZ(T, n) { #T, sizeof(T), n }
#define OFF(T, m, n) { #T "." #m, offsetof(T, m), n }

static const struct expect table[] = {
	SZ(ingroute_allocator, 32),
	OFF(ingroute_allocator, malloc_fn, 0),
	OFF(ingroute_allocator, realloc_fn, 8),
	OFF(ingroute_allocator, free_fn, 16),
	OFF(ingroute_allocator, ctx, 24),

	SZ(ingroute_options, 112),
	OFF(ingroute_options, size, 0),
	OFF(ingroute_options, flags, 8),
	OFF(ingroute_options, ingress_class, 16),
	OFF(ingroute_options, default_namespace, 24),
	OFF(ingroute_options, impl_specific, 32),
	OFF(ingroute_options, default_backend, 40),
	OFF(ingroute_options, max_input_bytes, 48),
	OFF(ingroute_options, max_depth, 56),
	OFF(ingroute_options, max_nodes, 64),
	OFF(ingroute_options, max_alias_nodes, 72),
	OFF(ingroute_options, max_scalar_bytes, 80),
	OFF(ingroute_options, max_diagnostics, 88),
	OFF(ingroute_options, allocator, 96),
	OFF(ingroute_options, max_alias_bytes, 104),

	SZ(ingroute_diag, 72),
	OFF(ingroute_diag, size, 0),
	OFF(ingroute_diag, severity, 8),
	OFF(ingroute_diag, code, 12),
	OFF(ingroute_diag, file, 16),
	OFF(ingroute_diag, line, 24),
	OFF(ingroute_diag, column, 28),
	OFF(ingroute_diag, kind, 32),
	OFF(ingroute_diag, ns, 40),
	OFF(ingroute_diag, name, 48),
	OFF(ingroute_diag, field, 56),
	OFF(ingroute_diag, message, 64),

	SZ(ingroute_ingress_info, 96),
	OFF(ingroute_ingress_info, size, 0),
	OFF(ingroute_ingress_info, ns, 8),
	OFF(ingroute_ingress_info, name, 16),
	OFF(ingroute_ingress_info, file, 24),
	OFF(ingroute_ingress_info, line, 32),
	OFF(ingroute_ingress_info, column, 36),
	OFF(ingroute_ingress_info, served, 40),
	OFF(ingroute_ingress_info, reason, 48),
	OFF(ingroute_ingress_info, ingress_class, 56),
	OFF(ingroute_ingress_info, rules, 64),
	OFF(ingroute_ingress_info, paths, 72),
	OFF(ingroute_ingress_info, tls, 80),
	OFF(ingroute_ingress_info, has_default_backend, 88),
};

int main(void)
{
	size_t i, n = sizeof table / sizeof table[0], failed = 0;

	for (i = 0; i < n; i++) {
		if (table[i].got != table[i].want) {
			printf("FAIL %s: %zu, frozen at %zu\n", table[i].what,
			       table[i].got, table[i].want);
			failed++;
		}
	}
	/* The library's own answer must match too, or FFI users who trust
	 * ingroute_options_size() see a different struct from C users. */
	n++;
	if (ingroute_options_size() != 112) {
		printf("FAIL ingroute_options_size(): %zu, frozen at 112\n",
		       ingroute_options_size());
		failed++;
	}
	printf("%zu passed, %zu failed\n", n - failed, failed);
	return failed != 0;
}

#else

int main(void)
{
	puts("SKIP: the frozen layout is only recorded for LP64 x86_64/aarch64");
	return 77; /* meson's "skipped" exit code */
}

#endif
