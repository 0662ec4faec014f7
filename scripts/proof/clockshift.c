// clockshift.c: an LD_PRELOAD shim that shifts the wall clock of one process, for the soak's
// clock-step fault (libfaketime would do, but under it Swift's CommandLine.arguments comes
// back empty, so `lumiere daemon` cannot even parse its subcommand).
//
// Input: $CLOCKSHIFT_FILE holds a signed number of seconds ("3600", "-3600", "0"), re-read
// at most every 100 ms of monotonic time. Output: CLOCK_REALTIME(_COARSE), gettimeofday()
// and time() are shifted by it; CLOCK_MONOTONIC and CLOCK_BOOTTIME are left alone, as an
// NTP step leaves them. Failure modes: an unreadable or empty file means no shift.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int (*real_clock_gettime)(clockid_t, struct timespec *);
static long shift_seconds;
static long long next_read_ns;

static void init(void) {
    if (!real_clock_gettime) real_clock_gettime = dlsym(RTLD_NEXT, "clock_gettime");
}

static long shift(void) {
    init();
    struct timespec mono;
    real_clock_gettime(CLOCK_MONOTONIC, &mono);
    long long t = (long long)mono.tv_sec * 1000000000LL + mono.tv_nsec;
    if (t >= __atomic_load_n(&next_read_ns, __ATOMIC_RELAXED)) {
        __atomic_store_n(&next_read_ns, t + 100000000LL, __ATOMIC_RELAXED);
        const char *path = getenv("CLOCKSHIFT_FILE");
        long value = 0;
        if (path) {
            int fd = open(path, O_RDONLY | O_CLOEXEC);
            if (fd >= 0) {
                char buf[32] = {0};
                ssize_t n = read(fd, buf, sizeof buf - 1);
                close(fd);
                if (n > 0) value = strtol(buf, NULL, 10);
            }
        }
        __atomic_store_n(&shift_seconds, value, __ATOMIC_RELAXED);
    }
    return __atomic_load_n(&shift_seconds, __ATOMIC_RELAXED);
}

int clock_gettime(clockid_t id, struct timespec *ts) {
    init();
    int rc = real_clock_gettime(id, ts);
    if (rc == 0 && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE)) ts->tv_sec += shift();
    return rc;
}

int gettimeofday(struct timeval *tv, void *tz) {
    struct timespec ts;
    (void)tz;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0) return -1;
    if (tv) { tv->tv_sec = ts.tv_sec; tv->tv_usec = ts.tv_nsec / 1000; }
    return 0;
}

time_t time(time_t *out) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (out) *out = ts.tv_sec;
    return ts.tv_sec;
}
