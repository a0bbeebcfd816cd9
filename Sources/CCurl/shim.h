// What Swift cannot import from libcurl: the variadic setopt/getinfo calls and the composite
// macros. One typed wrapper per argument kind, so that every call site stays type-checked.
#ifndef IVY_CCURL_SHIM_H
#define IVY_CCURL_SHIM_H
#include <curl/curl.h>

typedef size_t (*ivy_curl_data_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);

static inline CURLcode ivy_curl_easy_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ivy_curl_easy_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ivy_curl_easy_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ivy_curl_easy_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ivy_curl_easy_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode ivy_curl_easy_setopt_callback(CURL *h, CURLoption o, ivy_curl_data_callback v) { return curl_easy_setopt(h, o, v); }

static inline CURLcode ivy_curl_easy_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode ivy_curl_easy_getinfo_off(CURL *h, CURLINFO i, curl_off_t *v) { return curl_easy_getinfo(h, i, v); }
static inline CURLcode ivy_curl_easy_getinfo_pointer(CURL *h, CURLINFO i, void **v) { return curl_easy_getinfo(h, i, v); }

static inline CURLMcode ivy_curl_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }

static inline int ivy_curlpause_cont(void) { return CURLPAUSE_CONT; }
static inline size_t ivy_curl_writefunc_pause(void) { return CURL_WRITEFUNC_PAUSE; }
static inline long ivy_curl_http_version_2tls(void) { return CURL_HTTP_VERSION_2TLS; }
static inline long ivy_curl_global_default(void) { return CURL_GLOBAL_DEFAULT; }

#endif
