/*
 * Validation of the Gateway API's objects by the rules of their
 * CustomResourceDefinitions (validate-gateway.c).
 */
#ifndef INGROUTE_VALIDATE_GATEWAY_H
#define INGROUTE_VALIDATE_GATEWAY_H

#include "model.h"

/* Reports the validation errors of a decoded Gateway API object into dc
 * and returns how many it found; Services and Namespaces have none. */
size_t ingroute__validate_gateway(const ig_object *obj, const ig_diag_ctx *dc);

#endif /* INGROUTE_VALIDATE_GATEWAY_H */
