/*
 * Reading manifests from the file system: one file into memory, or the
 * manifest files of a directory by name. What the bytes mean is the
 * ruleset's business; this file only reads them.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
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

int ingroute__read_file(const ig_alloc *a, const char *path, size_t limit,
                        const ig_diag_ctx *dc, char **out, size_t *out_len)
{
	struct stat sb;
	char *data = NULL;
	size_t len = 0, cap;
	int fd, rc;

	*out = NULL;
	*out_len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ingroute__io_error(dc, path, "open", errno);
	if (fstat(fd, &sb) < 0) {
		rc = ingroute__io_error(dc, path, "stat", errno);
		close(fd);
		return rc;
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
			if (ncap > limit + 1)
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
			if (errno == EINTR)
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

		if (!has_manifest_suffix(de->d_name))
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
