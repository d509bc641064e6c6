/*
 * Decoding the Gateway API's kinds, and the Service and Namespace fields
 * its routing reads (decode-gateway.c).
 */
#ifndef INGROUTE_DECODE_GATEWAY_H
#define INGROUTE_DECODE_GATEWAY_H

#include "decode-walk.h"

/* The enum ig_obj_kind of a Gateway API kind (or Service, Namespace) at
 * an apiVersion that serves it, or 0. */
int ingroute__gateway_kind(const char *kind, size_t klen, const char *version,
                           size_t vlen);
/* Decodes d->obj's spec (NULL when absent). */
void ingroute__decode_gateway_spec(ig_dec *d, const ig_node *spec);

#endif /* INGROUTE_DECODE_GATEWAY_H */
