/*
 * What the loader meets on a real file system (docs/semantics.md §1.7):
 * FIFOs, sockets, devices and dangling links are never read, so nothing
 * hangs; a subdirectory named like a manifest is noted; and a ConfigMap
 * volume, whose "..data" link kubelet swaps, is read as one version while
 * it is being swapped; a file whose read fails changes nothing. A
 * watchdog alarm turns a hang into a failure.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "ingroute.h"

static char *ing(const char *name, const char *host, const char *svc)
{
	static const char fmt[] =
		"apiVersion: networking.k8s.io/v1\nkind: Ingress\n"
		"metadata: {name: %s, namespace: ns}\n"
		"spec:\n  rules:\n  - host: %s\n    http:\n      paths:\n"
		"      - {path: /, pathType: Prefix, backend: {service: {name: %s, "
		"port: {number: 80}}}}\n";
	size_t n = sizeof(fmt) + strlen(name) + strlen(host) + strlen(svc);
	char *s = malloc(n);

	assert_non_null(s);
	snprintf(s, n, fmt, name, host, svc);
	return s;
}

static void put(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	assert_true((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) < sizeof(path));
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void rmtree(const char *dir)
{
	char cmd[1100];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* The diagnostic about file `path`, else fails. */
static ingroute_diag diag_for(const ingroute_diags *d, const char *path)
{
	size_t i;

	for (i = 0; i < ingroute_diags_count(d); i++) {
		ingroute_diag dg;

		dg.size = sizeof(dg);
		assert_int_equal(ingroute_diags_get(d, i, &dg), 0);
		if (dg.file && strcmp(dg.file, path) == 0)
			return dg;
	}
	fail_msg("no diagnostic for %s", path);
	return (ingroute_diag){ 0 };
}

static const char *route(ingroute_ruleset *rs, const char *host, char *buf,
                         size_t cap)
{
	ingroute_router *r;
	ingroute_match m;

	assert_int_equal(ingroute_router_compile(&r, rs, NULL), 0);
	memset(&m, 0, sizeof(m));
	m.size = sizeof(m);
	assert_int_equal(ingroute_router_match(r, host, strlen(host), "/", 1, &m), 0);
	snprintf(buf, cap, "%s", m.service ? m.service : "none");
	ingroute_router_unref(r);
	return buf;
}

static void test_not_regular_files(void **state)
{
	char dir[] = "/tmp/ingroute-files-XXXXXX", path[512], buf[64];
	char *a = ing("a", "a.io", "web");
	struct sockaddr_un sun;
	ingroute_options strict_o = INGROUTE_OPTIONS_INIT;
	ingroute_ruleset *rs, *strict;
	ingroute_diags *d;
	ingroute_diag dg;
	int sock;

	(void)state;
	alarm(10); /* a blocking open fails the test instead of hanging it */
	assert_non_null(mkdtemp(dir));
	put(dir, "a.yaml", a);
	snprintf(path, sizeof(path), "%s/fifo.yaml", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	snprintf(path, sizeof(path), "%s/dangling.yaml", dir);
	assert_int_equal(symlink("/nonexistent/ingroute", path), 0);
	snprintf(path, sizeof(path), "%s/zero.yaml", dir);
	assert_int_equal(symlink("/dev/zero", path), 0);
	snprintf(path, sizeof(path), "%s/sub.yaml", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	/* Hidden: an editor's lock link, a dot-file; neither is read. */
	snprintf(path, sizeof(path), "%s/.#a.yaml", dir);
	assert_int_equal(symlink("root@host.1234:1700000000", path), 0);
	put(dir, ".hidden.yaml", "not: [valid");
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/sock.yaml", dir);
	sock = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(sock >= 0);
	assert_int_equal(bind(sock, (struct sockaddr *)&sun, sizeof(sun)), 0);

	assert_int_equal(ingroute_ruleset_new(&rs, NULL), 0);
	assert_int_equal(ingroute_diags_new(&d, NULL), 0);
	/* In a directory: each is skipped with an error, the rest loads. */
	assert_int_equal(ingroute_ruleset_load_path(rs, dir, d), 0);
	assert_string_equal(route(rs, "a.io", buf, sizeof(buf)), "web");
	snprintf(path, sizeof(path), "%s/fifo.yaml", dir);
	dg = diag_for(d, path);
	assert_int_equal(dg.severity, INGROUTE_ERROR);
	assert_int_equal(dg.code, INGROUTE_D_IO);
	assert_string_equal(dg.message, "not read: a FIFO, not a regular file; skipped");
	snprintf(path, sizeof(path), "%s/dangling.yaml", dir);
	assert_non_null(strstr(diag_for(d, path).message, "a dangling symbolic link"));
	snprintf(path, sizeof(path), "%s/zero.yaml", dir);
	assert_non_null(strstr(diag_for(d, path).message, "a character device"));
	snprintf(path, sizeof(path), "%s/sock.yaml", dir);
	assert_non_null(strstr(diag_for(d, path).message, "not a regular file"));
	snprintf(path, sizeof(path), "%s/sub.yaml", dir);
	dg = diag_for(d, path);
	assert_int_equal(dg.severity, INGROUTE_NOTE);
	assert_string_equal(dg.message, "a directory: not descended into");
	/* Those five, and nothing about the hidden names. */
	assert_int_equal(ingroute_diags_count(d), 5);

	/* Strict mode: the errors fail the load. */
	strict_o.flags = INGROUTE_OPT_STRICT;
	assert_int_equal(ingroute_ruleset_new(&strict, &strict_o), 0);
	assert_int_equal(ingroute_ruleset_load_path(strict, dir, NULL),
	                 INGROUTE_EINVALID);
	assert_int_equal(ingroute_ruleset_count(strict), 0);

	/* Named by the caller: the load fails at once, nothing changes. */
	ingroute_diags_clear(d);
	snprintf(path, sizeof(path), "%s/fifo.yaml", dir);
	assert_int_equal(ingroute_ruleset_load_path(rs, path, d), INGROUTE_EIO);
	assert_string_equal(diag_for(d, path).message,
	                    "not read: a FIFO, not a regular file");
	assert_int_equal(ingroute_ruleset_load_path(rs, "/dev/zero", d),
	                 INGROUTE_EIO);
	assert_int_equal(ingroute_ruleset_load_path(rs, sun.sun_path, d),
	                 INGROUTE_EIO);
	snprintf(path, sizeof(path), "%s/dangling.yaml", dir);
	assert_int_equal(ingroute_ruleset_load_path(rs, path, d), INGROUTE_EIO);
	assert_int_equal(ingroute_ruleset_count(rs), 1);
	alarm(0);

	close(sock);
	free(a);
	ingroute_diags_free(d);
	ingroute_ruleset_free(rs);
	ingroute_ruleset_free(strict);
	rmtree(dir);
}

/* A regular file whose read fails (root reads a mode-0 file, so the test
 * uses /proc/self/mem, whose first page is never mapped): the load fails
 * and changes nothing, and a reload keeps the state it had. */
static void test_unreadable_file(void **state)
{
	char dir[] = "/tmp/ingroute-files-XXXXXX", path[512];
	char *a = ing("a", "a.io", "web"), *b = ing("b", "b.io", "web");
	ingroute_ruleset *rs;
	ingroute_diags *d;

	(void)state;
	assert_non_null(mkdtemp(dir));
	put(dir, "a.yaml", a);
	assert_int_equal(ingroute_ruleset_new(&rs, NULL), 0);
	assert_int_equal(ingroute_diags_new(&d, NULL), 0);
	assert_int_equal(ingroute_ruleset_reload_paths(rs, (const char *[]){ dir }, 1, d), 0);
	assert_int_equal(ingroute_ruleset_count(rs), 1);
	put(dir, "b.yaml", b);
	snprintf(path, sizeof(path), "%s/mem.yaml", dir);
	assert_int_equal(symlink("/proc/self/mem", path), 0);
	ingroute_diags_clear(d);
	assert_int_equal(ingroute_ruleset_reload_paths(rs, (const char *[]){ dir }, 1, d),
	                 INGROUTE_EIO);
	assert_string_equal(diag_for(d, path).message,
	                    "cannot read: Input/output error");
	assert_int_equal(ingroute_ruleset_count(rs), 1);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(ingroute_ruleset_reload_paths(rs, (const char *[]){ dir }, 1, d), 0);
	assert_int_equal(ingroute_ruleset_count(rs), 2);
	free(a);
	free(b);
	ingroute_diags_free(d);
	ingroute_ruleset_free(rs);
	rmtree(dir);
}

/* ---- a ConfigMap volume, swapped while it is read */

typedef struct volume {
	char dir[64];
	int version;           /* the one ..data points at */
	int stop;              /* atomic: set by the test */
	int swaps;             /* atomic: counted by the swapper */
} volume;

/* Writes version v the way kubelet's atomic writer does: a new hidden
 * directory, a "..data_tmp" link to it renamed over "..data", the old
 * directory removed. */
static void publish(volume *v, int version)
{
	char ts[512], tmp[512], data[512], old[512], target[64];
	char *a, *b, svc[32];
	ssize_t n;

	snprintf(target, sizeof(target), "..2026_12_04_%06d", version);
	snprintf(ts, sizeof(ts), "%s/%s", v->dir, target);
	assert_int_equal(mkdir(ts, 0755), 0);
	snprintf(svc, sizeof(svc), "v%d", version);
	a = ing("a", "a.io", svc);
	b = ing("b", "b.io", svc);
	put(ts, "a.yaml", a);
	put(ts, "b.yaml", b);
	free(a);
	free(b);
	snprintf(data, sizeof(data), "%s/..data", v->dir);
	n = readlink(data, old, sizeof(old) - 1);
	snprintf(tmp, sizeof(tmp), "%s/..data_tmp", v->dir);
	assert_int_equal(symlink(target, tmp), 0);
	assert_int_equal(rename(tmp, data), 0);
	if (n > 0) {
		char f[700];

		old[n] = '\0';
		snprintf(f, sizeof(f), "%s/%s/a.yaml", v->dir, old);
		assert_int_equal(unlink(f), 0);
		snprintf(f, sizeof(f), "%s/%s/b.yaml", v->dir, old);
		assert_int_equal(unlink(f), 0);
		snprintf(f, sizeof(f), "%s/%s", v->dir, old);
		assert_int_equal(rmdir(f), 0);
	}
	v->version = version;
}

static void *swapper(void *arg)
{
	volume *v = arg;
	int version = 1;

	while (!__atomic_load_n(&v->stop, __ATOMIC_RELAXED)) {
		publish(v, ++version);
		__atomic_add_fetch(&v->swaps, 1, __ATOMIC_RELAXED);
		/* kubelet swaps once a sync; this is far more often */
		nanosleep(&(struct timespec){ 0, 500000 }, NULL);
	}
	return NULL;
}

static void test_configmap_swaps(void **state)
{
	/* Static: a failed assertion leaves the swapper running on it. */
	static volume v;
	pthread_t t;
	ingroute_ruleset *rs;
	ingroute_diags *d;
	char path[512];
	int i, ok = 0, busy = 0;

	(void)state;
	memset(&v, 0, sizeof(v));
	snprintf(v.dir, sizeof(v.dir), "/tmp/ingroute-cm-XXXXXX");
	assert_non_null(mkdtemp(v.dir));
	publish(&v, 1);
	/* The visible names, as kubelet makes them. */
	snprintf(path, sizeof(path), "%s/a.yaml", v.dir);
	assert_int_equal(symlink("..data/a.yaml", path), 0);
	snprintf(path, sizeof(path), "%s/b.yaml", v.dir);
	assert_int_equal(symlink("..data/b.yaml", path), 0);

	assert_int_equal(ingroute_diags_new(&d, NULL), 0);
	assert_int_equal(ingroute_ruleset_new(&rs, NULL), 0);
	assert_int_equal(ingroute_ruleset_reload_paths(rs, (const char *[]){ v.dir }, 1, d), 0);
	{
		ingroute_ingress_info in;

		in.size = sizeof(in);
		assert_int_equal(ingroute_ruleset_find(rs, "ns", "a", &in), 0);
		snprintf(path, sizeof(path), "%s/a.yaml", v.dir);
		assert_string_equal(in.file, path); /* the visible name */
	}
	assert_int_equal(pthread_create(&t, NULL, swapper, &v), 0);
	alarm(60);
	/* At least 1,000 loads, and on until the volume has changed under
	 * them 100 times. A load that never found the volume still (under
	 * valgrind, say) fails as a whole and changes nothing; it is
	 * counted, not a failure. */
	for (i = 0; ok < 1000 || __atomic_load_n(&v.swaps, __ATOMIC_RELAXED) < 100;
	     i++) {
		char ba[64], bb[64];
		int rc;

		ingroute_diags_clear(d);
		rc = ingroute_ruleset_reload_paths(rs, (const char *[]){ v.dir }, 1, d);
		if (rc == INGROUTE_EIO) {
			ingroute_diag dg;

			dg.size = sizeof(dg);
			assert_int_equal(ingroute_diags_get(d, 0, &dg), 0);
			assert_non_null(strstr(dg.message, "it kept changing"));
			busy++;
		} else {
			assert_int_equal(rc, 0);
			assert_int_equal(ingroute_diags_count_severity(d, INGROUTE_ERROR), 0);
			ok++;
		}
		assert_int_equal(ingroute_ruleset_count(rs), 2);
		route(rs, "a.io", ba, sizeof(ba));
		route(rs, "b.io", bb, sizeof(bb));
		if (strcmp(ba, bb) != 0)
			fail_msg("load %d mixed two versions: a.io -> %s, b.io -> %s", i,
			         ba, bb);
	}
	alarm(0);
	__atomic_store_n(&v.stop, 1, __ATOMIC_RELAXED);
	pthread_join(t, NULL);
	print_message("%d loads (%d found it changing throughout) during %d "
	              "swaps of ..data\n", i, busy, v.swaps);
	ingroute_diags_free(d);
	ingroute_ruleset_free(rs);
	rmtree(v.dir);
}

/* "..data" pointing at nothing, every time it is followed: a broken
 * volume, not one caught mid-swap, and not an ordinary directory either. */
static void test_configmap_broken(void **state)
{
	char dir[] = "/tmp/ingroute-cm-XXXXXX", path[512];
	ingroute_ruleset *rs;
	ingroute_diags *d;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/..data", dir);
	assert_int_equal(symlink("..2026_12_04_gone", path), 0);
	snprintf(path, sizeof(path), "%s/a.yaml", dir);
	assert_int_equal(symlink("..data/a.yaml", path), 0);
	assert_int_equal(ingroute_ruleset_new(&rs, NULL), 0);
	assert_int_equal(ingroute_diags_new(&d, NULL), 0);
	assert_int_equal(ingroute_ruleset_load_path(rs, dir, d), INGROUTE_EIO);
	assert_int_equal(ingroute_diags_count(d), 1);
	assert_string_equal(diag_for(d, dir).message,
	                    "cannot follow ..data: No such file or directory");
	assert_int_equal(ingroute_ruleset_count(rs), 0);
	ingroute_diags_free(d);
	ingroute_ruleset_free(rs);
	rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_regular_files),
		cmocka_unit_test(test_unreadable_file),
		cmocka_unit_test(test_configmap_swaps),
		cmocka_unit_test(test_configmap_broken),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
