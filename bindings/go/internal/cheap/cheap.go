// Package cheap reports the C heap in use (glibc's mallinfo2), so tests
// can prove that C objects are freed without the noise of the Go heap.
package cheap

/*
#include <malloc.h>

static size_t cheap_in_use(void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
	struct mallinfo2 mi = mallinfo2();
	return mi.uordblks + mi.hblkhd;
#else
	return 0;
#endif
}
*/
import "C"

// InUse is the number of bytes malloc has handed out and not had back
// (0 where glibc's mallinfo2 is not available).
func InUse() int64 { return int64(C.cheap_in_use()) }
