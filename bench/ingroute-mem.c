/*
 * ingroute-mem: peak memory while loading big inputs, beside the target of
 * bench/README.md (at most 3 x the input bytes, plus the router).
 *
 *   ingroute-mem [--scale N]   every input, its row of the table; N
 *                              divides the Ingress counts (a quick check)
 *   ingroute-mem --write INPUT FILE [COUNT]
 *                              write one input (L20k, L100k, J20k, D100k),
 *                              e.g. to run a child under valgrind
 *   ingroute-mem --measure FILE, --measure-heap FILE
 *                              what the table runs in a child: load and
 *                              compile FILE, print the figures as key=value
 *
 * Each input is written to a file in a temporary directory ($TMPDIR, else
 * /tmp), then measured in a fresh process (fork and exec of this binary),
 * so none of the generator's memory is resident and the high-water mark
 * is the load's alone. Two children per input: one with the default
 * options, for time and resident memory (VmHWM of /proc/self/status,
 * reset before loading through /proc/self/clear_refs); one with a counting
 * allocator, for the peak of the library's own heap. That one sees only
 * what the library allocates through ingroute_options.allocator: libyaml's
 * buffers and events go through malloc and count in the resident figures
 * only.
 */
#define _GNU_SOURCE 1 /* mkdtemp */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "count-alloc.h"
#include "gen.h"
#include "ingroute.h"

/* The target: peak minus the router, over the input. */
#define TARGET 3.0
#define SEED 20261204u

static const struct input {
	const char *name;
	size_t count;
	int form; /* 'y' List as YAML, 'j' List as JSON, 'd' documents */
	const char *what;
} inputs[] = {
	{ "L20k", 20000, 'y', "kubectl get ingress -A -o yaml" },
	{ "L100k", 100000, 'y', "kubectl get ingress -A -o yaml" },
	{ "J20k", 20000, 'j', "kubectl get ingress -A -o json" },
	{ "D100k", 100000, 'd', "---separated documents" },
};
#define NINPUTS (sizeof(inputs) / sizeof(inputs[0]))

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ---- the child: one load and compile, measured */

/* A field of /proc/self/status ("VmHWM", "VmRSS"), in bytes. */
static size_t status_bytes(const char *field)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	size_t flen = strlen(field), kb = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, field, flen) == 0 && line[flen] == ':') {
			kb = strtoull(line + flen + 1, NULL, 10);
			break;
		}
	fclose(f);
	return kb * 1024;
}

/* Resets VmHWM to the current VmRSS (Linux 4.0 on); 0 if it did. */
static int reset_hwm(void)
{
	int fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
	int ok;

	if (fd < 0)
		return -1;
	ok = write(fd, "5", 1) == 1;
	close(fd);
	return ok ? 0 : -1;
}


/* Prints key=value pairs on one line; a failed load prints its code. The
 * ruleset and router are left to exit: freeing them would only add time. */
static int measure(const char *file, int heap)
{
	ingroute_options o;
	ingroute_ruleset *rs;
	ingroute_router *r;
	ingroute_stats st;
	size_t base, hwm_load, rss_load, heap_load_peak, heap_load;
	int reset, rc;
	double t0, t1, t2;

	memset(&o, 0, sizeof(o));
	o.size = sizeof(o);
	if (heap)
		o.allocator = &counting;
	if ((rc = ingroute_ruleset_new(&rs, &o)) != 0) {
		printf("error=new rc=%d\n", rc);
		return 1;
	}
	reset = reset_hwm();
	base = status_bytes("VmRSS");
	t0 = now_s();
	rc = ingroute_ruleset_load_path(rs, file, NULL);
	t1 = now_s();
	if (rc != 0) {
		printf("error=load rc=%d (%s)\n", rc, ingroute_strerror(rc));
		return 1;
	}
	hwm_load = status_bytes("VmHWM");
	rss_load = status_bytes("VmRSS");
	heap_load_peak = count_peak;
	heap_load = count_live;
	rc = ingroute_router_compile(&r, rs, NULL);
	t2 = now_s();
	if (rc != 0) {
		printf("error=compile rc=%d (%s)\n", rc, ingroute_strerror(rc));
		return 1;
	}
	memset(&st, 0, sizeof(st));
	st.size = sizeof(st);
	ingroute_router_stats(r, &st);
	printf("reset=%d base=%zu hwm_load=%zu rss_load=%zu hwm=%zu rss=%zu "
	       "heap_load_peak=%zu heap_load=%zu heap_peak=%zu heap=%zu "
	       "load_s=%.3f compile_s=%.3f ingresses=%zu invalid=%zu hosts=%zu "
	       "paths=%zu index=%zu strings=%zu\n",
	       reset == 0, base, hwm_load, rss_load, status_bytes("VmHWM"),
	       status_bytes("VmRSS"), heap_load_peak, heap_load, count_peak, count_live,
	       t1 - t0, t2 - t1, ingroute_ruleset_count(rs), st.ingresses_invalid,
	       st.virtual_hosts, st.paths, st.index_bytes, st.string_bytes);
	fflush(stdout);
	return 0;
}

/* ---- the parent */

typedef struct fig {
	int reset;
	size_t base, hwm_load, rss_load, hwm, rss;
	size_t heap_load_peak, heap_load, heap_peak, heap;
	double load_s, compile_s;
	size_t ingresses, invalid, hosts, paths, index, strings;
} fig;

/* The value of key in a child's line of key=value pairs; 0 if absent. */
static double field(const char *line, const char *key)
{
	size_t klen = strlen(key);
	const char *p;

	for (p = line; (p = strstr(p, key)) != NULL; p += klen)
		if ((p == line || p[-1] == ' ') && p[klen] == '=')
			return strtod(p + klen + 1, NULL);
	return 0;
}

/* Runs this binary with mode on file; its line in out. */
static int child(const char *mode, const char *file, char *out, size_t cap)
{
	int fds[2], status;
	size_t n = 0;
	ssize_t got;
	pid_t pid;

	if (pipe(fds) < 0)
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execl("/proc/self/exe", "ingroute-mem", mode, file, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	while (n + 1 < cap && (got = read(fds[0], out + n, cap - n - 1)) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		n += (size_t)got;
	}
	out[n] = '\0';
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "ingroute-mem: %s %s: %s", mode, file,
		        n ? out : "died\n");
		return -1;
	}
	return 0;
}

static int write_input(const struct input *in, size_t count, const char *file,
                       size_t *bytes)
{
	FILE *f = fopen(file, "w");
	int rc;

	if (!f) {
		perror(file);
		return -1;
	}
	rc = in->form == 'd' ? gen_documents(f, count, SEED, bytes)
	                     : gen_list(f, count, in->form == 'j', SEED, bytes);
	if (fclose(f) != 0)
		rc = -1;
	if (rc)
		fprintf(stderr, "ingroute-mem: writing %s failed\n", file);
	return rc;
}

static const struct input *find_input(const char *name)
{
	size_t i;

	for (i = 0; i < NINPUTS; i++)
		if (strcmp(inputs[i].name, name) == 0)
			return &inputs[i];
	return NULL;
}

static double mb(size_t b)
{
	return (double)b / 1e6;
}

int main(int argc, char **argv)
{
	fig figs[NINPUTS];
	size_t bytes[NINPUTS], counts[NINPUTS], scale = 1, i;
	int ok[NINPUTS];
	const char *tmp = getenv("TMPDIR");
	char dir[4096];

	if (argc == 3 && strcmp(argv[1], "--measure") == 0)
		return measure(argv[2], 0);
	if (argc == 3 && strcmp(argv[1], "--measure-heap") == 0)
		return measure(argv[2], 1);
	if ((argc == 4 || argc == 5) && strcmp(argv[1], "--write") == 0) {
		const struct input *in = find_input(argv[2]);
		size_t n;

		if (!in) {
			fprintf(stderr, "ingroute-mem: no input %s\n", argv[2]);
			return 2;
		}
		return write_input(in, argc == 5 ? strtoul(argv[4], NULL, 10)
		                                 : in->count, argv[3], &n) ? 1 : 0;
	}
	if (argc == 3 && strcmp(argv[1], "--scale") == 0 && atol(argv[2]) > 0)
		scale = (size_t)atol(argv[2]);
	else if (argc != 1) {
		fprintf(stderr,
		        "usage: ingroute-mem [--scale N]\n"
		        "       ingroute-mem --write L20k|L100k|J20k|D100k FILE [COUNT]\n"
		        "       ingroute-mem --measure|--measure-heap FILE\n");
		return 2;
	}

	snprintf(dir, sizeof(dir), "%s/ingroute-mem-XXXXXX",
	         tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		perror(dir);
		return 1;
	}
	fprintf(stderr, "ingroute %s; inputs in %s, each removed once measured\n",
	        ingroute_version_string(), dir);
	for (i = 0; i < NINPUTS; i++) {
		char file[4200], line[2][1024];
		double t0 = now_s();

		counts[i] = inputs[i].count / scale;
		snprintf(file, sizeof(file), "%s/%s.%s", dir, inputs[i].name,
		         inputs[i].form == 'j' ? "json" : "yaml");
		ok[i] = 0;
		if (write_input(&inputs[i], counts[i], file, &bytes[i]) != 0) {
			unlink(file);
			continue;
		}
		fprintf(stderr, "%s: %zu Ingresses, %.1f MB written in %.1f s; measuring\n",
		        inputs[i].name, counts[i], mb(bytes[i]), now_s() - t0);
		ok[i] = child("--measure", file, line[0], sizeof(line[0])) == 0 &&
		        child("--measure-heap", file, line[1], sizeof(line[1])) == 0;
		unlink(file);
		if (!ok[i])
			continue;
		{
			fig *f = &figs[i];
			const char *l = line[0], *h = line[1];

			f->reset = (int)field(l, "reset");
			f->base = (size_t)field(l, "base");
			f->hwm_load = (size_t)field(l, "hwm_load");
			f->rss_load = (size_t)field(l, "rss_load");
			f->hwm = (size_t)field(l, "hwm");
			f->rss = (size_t)field(l, "rss");
			f->load_s = field(l, "load_s");
			f->compile_s = field(l, "compile_s");
			f->ingresses = (size_t)field(l, "ingresses");
			f->invalid = (size_t)field(l, "invalid");
			f->hosts = (size_t)field(l, "hosts");
			f->paths = (size_t)field(l, "paths");
			f->index = (size_t)field(l, "index");
			f->strings = (size_t)field(l, "strings");
			f->heap_load_peak = (size_t)field(h, "heap_load_peak");
			f->heap_load = (size_t)field(h, "heap_load");
			f->heap_peak = (size_t)field(h, "heap_peak");
			f->heap = (size_t)field(h, "heap");
			if (f->ingresses != counts[i] || f->invalid)
				fprintf(stderr, "ingroute-mem: %s: %zu Ingresses loaded of %zu, "
				        "%zu invalid\n", inputs[i].name, f->ingresses,
				        counts[i], f->invalid);
			if (!f->reset)
				fprintf(stderr, "ingroute-mem: %s: /proc/self/clear_refs not "
				        "writable: the peak includes the process's start\n",
				        inputs[i].name);
		}
	}
	rmdir(dir);

	printf("Peak memory while loading: a fresh process per input runs "
	       "ingroute_ruleset_load_path() with default options, then "
	       "ingroute_router_compile(). MB are 10^6 bytes. *Peak RSS*: VmHWM "
	       "above VmRSS before the load; *heap peak*: the library's own "
	       "allocations through ingroute_options.allocator, libyaml's "
	       "excluded; *router*: index + string bytes of "
	       "ingroute_router_stats(). Target: (peak RSS - router) / input "
	       "<= %.1f.\n\n", TARGET);
	printf("| input | Ingresses | input MB | load + compile s | peak RSS MB | heap peak MB | router MB | (peak - router) / input | heap: (peak - router) / input | target | |\n");
	printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
	for (i = 0; i < NINPUTS; i++) {
		const fig *f = &figs[i];
		size_t router;
		double ratio;

		if (!ok[i]) {
			printf("| %s | %zu | - | failed | - | - | - | - | - | %.1f | not measured |\n",
			       inputs[i].name, counts[i], TARGET);
			continue;
		}
		router = f->index + f->strings;
		ratio = ((double)f->hwm - (double)f->base - (double)router) /
		        (double)bytes[i];
		printf("| %s | %zu | %.1f | %.2f + %.2f | %.1f | %.1f | %.1f | %.2f | %.2f | %.1f | %s |\n",
		       inputs[i].name, f->ingresses, mb(bytes[i]), f->load_s,
		       f->compile_s, mb(f->hwm - f->base), mb(f->heap_peak), mb(router),
		       ratio, ((double)f->heap_peak - (double)router) / (double)bytes[i],
		       TARGET, ratio <= TARGET ? "met" : "not met");
	}
	printf("\nWhere it sits: resident (above the baseline) and library heap "
	       "at the peak of the load alone and once loaded, and at the end "
	       "(ruleset and router both held).\n\n");
	printf("| input | what | paths | hosts | RSS peak: load / load + compile MB | RSS held: loaded / end MB | heap peak: load / load + compile MB | heap held: loaded / end MB | baseline RSS MB |\n");
	printf("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
	for (i = 0; i < NINPUTS; i++) {
		const fig *f = &figs[i];

		if (!ok[i])
			continue;
		printf("| %s | %s | %zu | %zu | %.1f / %.1f | %.1f / %.1f | %.1f / %.1f | %.1f / %.1f | %.1f |\n",
		       inputs[i].name, inputs[i].what, f->paths, f->hosts,
		       mb(f->hwm_load - f->base), mb(f->hwm - f->base),
		       mb(f->rss_load - f->base), mb(f->rss - f->base),
		       mb(f->heap_load_peak), mb(f->heap_peak), mb(f->heap_load),
		       mb(f->heap), mb(f->base));
	}
	for (i = 0; i < NINPUTS; i++)
		if (!ok[i])
			return 1;
	return 0;
}
