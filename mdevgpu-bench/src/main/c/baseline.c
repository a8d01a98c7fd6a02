/*
 * The C baselines of mdevgpu's benchmarks, built by gcc during the Maven build and called from the same JVM
 * through FFM (io.mdevgpu.bench.baseline.CBaseline).
 *
 * Two kinds of entry point, so that the comparison is fair (docs/benchmarks.md, "Method"):
 *  - *_loop: C repeats the operation n times itself. Divided by n, that is what a C program pays per call,
 *    with no Java-to-native transition and the JMH harness amortised over n.
 *  - *_once: one operation per downcall. The Java side pays the same transition and harness cost as the
 *    library's own call, so "library - once" is what the library adds on top of a bare downcall.
 * Failures come back as -errno, so that the C rows read errno as the library rows do.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

/* One ioctl: its result, or -errno. */
int bench_ioctl_once(int fd, unsigned long request, void *arg) {
    int r = ioctl(fd, request, arg);
    return r < 0 ? -errno : r;
}

/* n ioctls; the sum of their results (each failure counted as -errno), so that none can be elided. */
long bench_ioctl_loop(int fd, unsigned long request, void *arg, long n) {
    long sum = 0;
    for (long i = 0; i < n; i++) {
        int r = ioctl(fd, request, arg);
        sum += r < 0 ? -errno : r;
    }
    return sum;
}

/* glibc's memcpy, the yardstick for a bulk copy out of or into a mapped region. */
void bench_memcpy(void *dst, const void *src, size_t n) {
    memcpy(dst, src, n);
}

/* Reads count 8-byte words one after another and sums them: a plain C read loop over a mapping. */
uint64_t bench_read_loop(const uint64_t *words, size_t count) {
    uint64_t sum = 0;
    for (size_t i = 0; i < count; i++) {
        sum += words[i];
    }
    return sum;
}

/* One pread of count bytes at offset into buf: the bytes read, or -errno (a region read without a mapping). */
long bench_pread_once(int fd, void *buf, size_t count, long offset) {
    ssize_t n = pread(fd, buf, count, offset);
    return n < 0 ? -errno : n;
}

/* Maps length bytes of fd shared read-write and unmaps them again: 0, or -errno. */
int bench_map_unmap(int fd, size_t length) {
    void *p = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) {
        return -errno;
    }
    return munmap(p, length) < 0 ? -errno : 0;
}
