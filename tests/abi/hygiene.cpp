// The C++98 leg of the header hygiene check: ingroute.h promises to be
// includable from C++ (extern "C", no C-only constructs), so reuse the very
// same C source rather than keep a second copy in step.
#include "hygiene.c"
