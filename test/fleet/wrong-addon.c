/* A deliberately wrong strdist binary, for the mixed-fleet test: it loads, exports what the real
 * addon exports (kernel v1, Node-API 8), and computes wrong numbers. A worker that loads it must
 * fail its self-test, take no native jobs, and say why. Built by the test with the host's cc. */
#include <node_api.h>

static napi_value number(napi_env env, double v) {
  napi_value r;
  napi_create_double(env, v, &r);
  return r;
}
static napi_value wrong_distance(napi_env env, napi_callback_info info) { return number(env, 42); }
static napi_value wrong_similarity(napi_env env, napi_callback_info info) { return number(env, 0.5); }
static napi_value nothing(napi_env env, napi_callback_info info) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

NAPI_MODULE_INIT() {
  napi_value kernel, napi, features;
  napi_create_uint32(env, 1, &kernel);
  napi_create_uint32(env, 8, &napi);
  napi_create_array_with_length(env, 0, &features);
  napi_property_descriptor props[] = {
      {"levenshtein", 0, wrong_distance, 0, 0, 0, napi_enumerable, 0},
      {"levenshteinSimilarity", 0, wrong_similarity, 0, 0, 0, napi_enumerable, 0},
      {"jaro", 0, wrong_similarity, 0, 0, 0, napi_enumerable, 0},
      {"jaroWinkler", 0, wrong_similarity, 0, 0, 0, napi_enumerable, 0},
      {"scoreMany", 0, nothing, 0, 0, 0, napi_enumerable, 0},
      {"kernelVersion", 0, 0, 0, 0, kernel, napi_enumerable, 0},
      {"napiVersion", 0, 0, 0, 0, napi, napi_enumerable, 0},
      {"cpuFeatures", 0, 0, 0, 0, features, napi_enumerable, 0},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
