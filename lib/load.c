/*
 * Reading manifests from the file system: one file into memory, or the
 * manifest files of a directory by name. What the bytes mean is the
 * ruleset's business; this file only reads them.
 */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <limits.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

int ingroute__io_error(const ig_diag_ctx *dc, const char *path,
                       const char *what, int err)
{
	ig_diag_ctx in = ig_diag_in_file(dc, path);
	ig_pos none = { 0, 0 };
	char msg[256];

	/* strerror() may use a shared buffer; loads run on many threads. */
	if (strerror_r(err, msg, sizeof(msg)) != 0)
		snprintf(msg, sizeof(msg), "error %d", err);
	ingroute__diag(&in, INGROUTE_ERROR, INGROUTE_D_IO, none, NULL,
	               "cannot %s: %s", what, msg);
	return dc->sink->oom ? INGROUTE_ENOMEM : INGROUTE_EIO;
}

static const char *file_type(mode_t m)
{
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISDIR(m))
		return "a directory";
	return "not a regular file";
}

/* docs/semantics.md §1.7: what is not a regular file is never read. A
 * path named by the caller fails the load; a name a directory listed is
 * skipped with the same error, and the rest of the directory loads. */
static int not_regular(const ig_diag_ctx *dc, const char *path,
                       const char *why, int listed)
{
	ig_diag_ctx in = ig_diag_in_file(dc, path);
	ig_pos none = { 0, 0 };

	ingroute__diag(&in, INGROUTE_ERROR, INGROUTE_D_IO, none, NULL,
	               "not read: %s, not a regular file%s", why,
	               listed ? "; skipped" : "");
	if (dc->sink->oom)
		return INGROUTE_ENOMEM;
	return listed ? IG_READ_SKIPPED : INGROUTE_EIO;
}

int ingroute__read_file(const ig_alloc *a, const char *path, size_t limit,
                        int listed, const ig_diag_ctx *dc, char **out,
                        size_t *out_len)
{
	struct stat sb;
	char *data = NULL;
	size_t len = 0, cap;
	int fd, rc;

	*out = NULL;
	*out_len = 0;
	/* O_NONBLOCK: opening a FIFO must not wait for a writer, and a
	 * device must not wait for a carrier. Only regular files are read
	 * after fstat, and their reads never block, so the flag stays. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		struct stat lsb;

		if (errno == ENXIO) /* a socket, or a device with nothing behind */
			return not_regular(dc, path, "a socket or a device", listed);
		if (errno == ENOENT && listed && lstat(path, &lsb) == 0 &&
		    S_ISLNK(lsb.st_mode))
			return not_regular(dc, path, "a dangling symbolic link", listed);
		return ingroute__io_error(dc, path, "open", errno);
	}
	if (fstat(fd, &sb) < 0) {
		rc = ingroute__io_error(dc, path, "stat", errno);
		close(fd);
		return rc;
	}
	if (!S_ISREG(sb.st_mode)) {
		close(fd);
		return not_regular(dc, path, file_type(sb.st_mode), listed);
	}
	/* Size from stat is a hint (pipes and /proc say 0); the limit is
	 * enforced on what is actually read, which stops one byte past it. */
	if ((uint64_t)sb.st_size > limit) {
		ig_diag_ctx in = ig_diag_in_file(dc, path);
		ig_pos none = { 0, 0 };

		close(fd);
		ingroute__diag(&in, INGROUTE_ERROR, INGROUTE_D_LIMIT, none, NULL,
		               "input of %lld bytes exceeds the limit of %zu bytes",
		               (long long)sb.st_size, limit);
		return INGROUTE_ELIMIT;
	}
	cap = sb.st_size > 0 ? (size_t)sb.st_size + 1 : 65536;
	for (;;) {
		ssize_t got;

		if (len == cap || !data) {
			size_t ncap = !data ? cap : cap * 2;
			char *p;

			if (len > limit)
				break;
			/* A limit of SIZE_MAX has no byte past it. */
			if (limit < SIZE_MAX && ncap > limit + 1)
				ncap = limit + 1;
			p = ingroute__realloc(a, data, ncap);
			if (!p) {
				ingroute__free(a, data);
				close(fd);
				return INGROUTE_ENOMEM;
			}
			data = p;
			cap = ncap;
		}
		got = read(fd, data + len, cap - len);
		if (got < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			rc = ingroute__io_error(dc, path, "read", errno);
			ingroute__free(a, data);
			close(fd);
			return rc;
		}
		if (got == 0)
			break;
		len += (size_t)got;
	}
	close(fd);
	*out = data;
	*out_len = len;
	return 0;
}

int ingroute__is_dir(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static int has_manifest_suffix(const char *name)
{
	static const char *const suffixes[] = { ".yaml", ".yml", ".json" };
	size_t n = strlen(name), i;

	for (i = 0; i < IG_ARRAY_LEN(suffixes); i++) {
		size_t k = strlen(suffixes[i]);

		if (n > k && strcmp(name + n - k, suffixes[i]) == 0)
			return 1;
	}
	return 0;
}

static int cmp_names(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

void ingroute__free_names(const ig_alloc *a, char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		ingroute__free(a, names[i]);
	ingroute__free(a, names);
}

int ingroute__list_dir(const ig_alloc *a, const char *path,
                       const ig_diag_ctx *dc, char ***out, size_t *count)
{
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *dir;

	*out = NULL;
	*count = 0;
	dir = opendir(path);
	if (!dir)
		return ingroute__io_error(dc, path, "open directory", errno);
	while ((de = readdir(dir)) != NULL) {
		size_t len;

		/* Hidden names are skipped, as a shell's *.yaml skips them:
		 * editors keep lock and swap files there (Emacs's .#a.yaml
		 * is a dangling link while a.yaml is being edited). */
		if (de->d_name[0] == '.' || !has_manifest_suffix(de->d_name))
			continue;
		if (ingroute__grow(a, (void **)&names, &cap, n + 1, sizeof(*names)) < 0)
			goto oom;
		len = strlen(path) + strlen(de->d_name) + 2;
		names[n] = ingroute__malloc(a, len);
		if (!names[n])
			goto oom;
		/* "dir/" names its files "dir/a.yaml", not "dir//a.yaml". */
		snprintf(names[n], len, "%s%s%s", path,
		         path[0] && path[strlen(path) - 1] == '/' ? "" : "/",
		         de->d_name);
		n++;
	}
	closedir(dir);
	ig_sort(names, n, sizeof(*names), cmp_names);
	*out = names;
	*count = n;
	return 0;
oom:
	closedir(dir);
	ingroute__free_names(a, names, n);
	return INGROUTE_ENOMEM;
}

/* ---- directories kubelet writes atomically */

/* ConfigMap and Secret volumes: the visible NAME is a symbolic link to
 * "..data/NAME", and "..data" a link to a hidden timestamped directory
 * that kubelet replaces by renaming a new link over it, then deletes.
 * Reading the visible names one by one can straddle a swap. So the
 * target of "..data" is resolved once, its files read from there, and
 * the result kept only if "..data" still points there afterwards. */
#define ATOMIC_ATTEMPTS 8

/* 1 with the directory "..data" points at, 0 when there is no "..data"
 * link (an ordinary directory), -1 when the link is there but its target
 * was deleted between reading the link and following it: a swap in
 * progress, to be tried again. */
static int resolve_data(const char *path, char *out)
{
	char link[PATH_MAX];
	struct stat sb;

	if ((size_t)snprintf(link, sizeof(link), "%s/..data", path) >= sizeof(link) ||
	    lstat(link, &sb) != 0 || !S_ISLNK(sb.st_mode))
		return 0;
	return realpath(link, out) ? 1 : -1;
}

void ingroute__free_files(const ig_alloc *a, ig_file *files, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		ingroute__free(a, files[i].name);
		ingroute__free(a, files[i].data);
	}
	ingroute__free(a, files);
}

/* One pass over the resolved directory: every manifest file in memory,
 * named as the volume shows it. */
static int read_snapshot(const ig_alloc *a, const char *path,
                         const char *real, size_t limit,
                         const ig_diag_ctx *dc, ig_file **out, size_t *count)
{
	char **names;
	ig_file *files = NULL;
	size_t n, i, k = 0, cap = 0;
	int rc;

	*out = NULL;
	*count = 0;
	rc = ingroute__list_dir(a, real, dc, &names, &n);
	for (i = 0; rc == 0 && i < n; i++) {
		const char *base = names[i] + strlen(real) + 1;
		size_t nlen = strlen(path) + strlen(base) + 2;
		ig_file f = { NULL, NULL, 0 };

		f.name = ingroute__malloc(a, nlen);
		if (!f.name ||
		    ingroute__grow(a, (void **)&files, &cap, k + 1, sizeof(*files)) < 0) {
			ingroute__free(a, f.name);
			rc = INGROUTE_ENOMEM;
			break;
		}
		snprintf(f.name, nlen, "%s/%s", path, base);
		rc = ingroute__read_file(a, names[i], limit, 1, dc, &f.data, &f.len);
		if (rc == IG_READ_SKIPPED) {
			ingroute__free(a, f.name);
			rc = 0;
			continue;
		}
		if (rc < 0) {
			ingroute__free(a, f.name);
			break;
		}
		files[k++] = f;
	}
	ingroute__free_names(a, names, n);
	if (rc < 0) {
		ingroute__free_files(a, files, k);
		return rc;
	}
	*out = files;
	*count = k;
	return 0;
}

int ingroute__read_atomic_dir(const ig_alloc *a, const char *path,
                              size_t limit, const ig_diag_ctx *dc,
                              ig_file **out, size_t *count)
{
	char real[PATH_MAX], again[PATH_MAX];
	int attempt, rc = 0, r, err = 0, held = 0;

	*out = NULL;
	*count = 0;
	for (attempt = 0; attempt < ATOMIC_ATTEMPTS; attempt++) {
		/* Attempts report nowhere: a file deleted by a swap under our
		 * feet is no error of the volume's. The pass that counts is
		 * read again with the caller's diagnostics if it had any. */
		ig_diag_sink quiet = { NULL, 0, 0, 0, 0 };
		ig_diag_ctx qdc = *dc;

		r = resolve_data(path, real);
		if (r == 0) /* no "..data" (any more): an ordinary directory */
			return IG_NOT_ATOMIC;
		if (r < 0) {
			err = errno;
			continue;
		}
		held = 1;
		qdc.sink = &quiet;
		rc = read_snapshot(a, path, real, limit, &qdc, out, count);
		if (rc == INGROUTE_ENOMEM)
			return rc;
		if (resolve_data(path, again) == 1 && strcmp(again, real) == 0) {
			if (rc == 0 && quiet.errors == 0)
				return 0;
			ingroute__free_files(a, *out, *count);
			return read_snapshot(a, path, real, limit, dc, out, count);
		}
		/* Swapped while reading: read the new version. */
		ingroute__free_files(a, *out, *count);
		*out = NULL;
		*count = 0;
	}
	/* Pointing nowhere at every attempt is a broken volume, told apart
	 * from one that never held still. */
	return held
	       ? ingroute__io_error(dc, path, "read a consistent version of "
	                            "..data (it kept changing)", EAGAIN)
	       : ingroute__io_error(dc, path, "follow ..data", err);
}
