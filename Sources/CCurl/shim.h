// CCurl: libcurl for Swift. curl_easy_setopt and curl_easy_getinfo are variadic, which Swift
// cannot call, so each kind of argument gets a typed, non-variadic setter here (as GRDB's
// shim does for sqlite3_config). Only LumiereLLM imports this module.
#ifndef LUMIERE_CCURL_SHIM_H
#define LUMIERE_CCURL_SHIM_H

#include <curl/curl.h>

/// curl_global_init(CURL_GLOBAL_DEFAULT): the flag is a macro expression Swift cannot import.
static inline CURLcode lumiere_curl_global_init(void) {
    return curl_global_init(CURL_GLOBAL_DEFAULT);
}

static inline CURLcode lumiere_curl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode lumiere_curl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

/// String options: libcurl copies the string (since 7.17), so it may be freed afterwards.
static inline CURLcode lumiere_curl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

/// Pointer options (WRITEDATA, HEADERDATA, XFERINFODATA, ERRORBUFFER, POSTFIELDS): libcurl
/// keeps the pointer, so the memory must outlive the transfer.
static inline CURLcode lumiere_curl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode lumiere_curl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

typedef size_t (*lumiere_curl_data_callback)(char *data, size_t size, size_t count, void *context);
typedef int (*lumiere_curl_xferinfo_callback)(void *context, curl_off_t dltotal, curl_off_t dlnow,
                                              curl_off_t ultotal, curl_off_t ulnow);

static inline CURLcode lumiere_curl_easy_setopt_write_function(CURL *handle, lumiere_curl_data_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, callback);
}

static inline CURLcode lumiere_curl_easy_setopt_header_function(CURL *handle, lumiere_curl_data_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, callback);
}

static inline CURLcode lumiere_curl_easy_setopt_xferinfo_function(CURL *handle, lumiere_curl_xferinfo_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, callback);
}

static inline CURLcode lumiere_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode lumiere_curl_easy_getinfo_double(CURL *handle, CURLINFO info, double *value) {
    return curl_easy_getinfo(handle, info, value);
}

#endif
