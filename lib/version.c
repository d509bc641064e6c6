/* Version and status strings. */
#include "internal.h"

#define STR2(x) #x
#define STR(x) STR2(x)

unsigned int ingroute_version(void)
{
	return INGROUTE_VERSION_NUMBER;
}

const char *ingroute_version_string(void)
{
	return STR(INGROUTE_VERSION_MAJOR) "." STR(INGROUTE_VERSION_MINOR) "."
	       STR(INGROUTE_VERSION_PATCH);
}

/* The release the differential test (tests/kube/cmd/apiserver-diff)
 * runs against: tests/kube/go.mod's k8s.io/kubernetes, which the test
 * checks this against. */
const char *ingroute_kubernetes_version(void)
{
	return "v1.37.2";
}

const char *ingroute_strerror(int status)
{
	switch (status) {
	case INGROUTE_OK: return "success";
	case INGROUTE_EINVAL: return "invalid argument";
	case INGROUTE_ENOMEM: return "out of memory";
	case INGROUTE_EIO: return "input/output error";
	case INGROUTE_ESYNTAX: return "malformed YAML or JSON";
	case INGROUTE_ELIMIT: return "input exceeds a configured limit";
	case INGROUTE_EINVALID: return "invalid object (strict mode)";
	case INGROUTE_ENOENT: return "no such object";
	default: return "unknown error";
	}
}
