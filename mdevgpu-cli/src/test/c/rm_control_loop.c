/*
 * rm_control_loop: the C counterpart of `mdevgpu driver --bench N`. Times N NVIDIA RM control round trips
 * (NV0000_CTRL_CMD_GPU_GET_PCI_INFO on the root client) in plain C, in the same three passes as the library's
 * ControlBench: a warm-up of N calls, N calls timed as one loop, N calls each timed on its own.
 *
 *   gcc -O2 -std=c11 -Wall -Wextra -o rm_control_loop rm_control_loop.c
 *   ./rm_control_loop 100000            on a host with the NVIDIA driver (root; /dev/nvidiactl)
 *   ./rm_control_loop --layouts         prints the structs' layouts as abi/nvidia-rm/ does
 *
 * Read-only on the driver: the version query, a root client, GET_PROBED_IDS, GET_PCI_INFO, the client freed.
 * The structs are written out by hand (no NVIDIA headers on the GPU machine) for the 580 releases, the ones with a
 * 384-byte GET_PROBED_IDS; a test (RmControlLoopSourceTest) proves them against the golden tables with --layouts.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    uint32_t cmd;
    uint32_t reply;
    char versionString[64];
} nv_ioctl_rm_api_version_t;

typedef struct {
    uint32_t hRoot;
    uint32_t hObjectParent;
    uint32_t hObjectOld;
    uint32_t status;
} NVOS00_PARAMETERS;

typedef struct {
    uint32_t hRoot;
    uint32_t hObjectParent;
    uint32_t hObjectNew;
    uint32_t hClass;
    uint64_t pAllocParms __attribute__((aligned(8)));
    uint32_t paramsSize;
    uint32_t status;
} NVOS21_PARAMETERS;

typedef struct {
    uint32_t hClient;
    uint32_t hObject;
    uint32_t cmd;
    uint32_t flags;
    uint64_t params __attribute__((aligned(8)));
    uint32_t paramsSize;
    uint32_t status;
} NVOS54_PARAMETERS;

typedef struct {
    uint32_t gpuIds[32];
    uint32_t excludedGpuIds[32];
    uint32_t gpuFlags[32];
} NV0000_CTRL_GPU_GET_PROBED_IDS_PARAMS;

typedef struct {
    uint32_t gpuId;
    uint32_t domain;
    uint16_t bus;
    uint16_t slot;
} NV0000_CTRL_GPU_GET_PCI_INFO_PARAMS;

#define NV_IOCTL_MAGIC 'F'
#define NV_ESC_RM_FREE 0x29
#define NV_ESC_RM_CONTROL 0x2A
#define NV_ESC_RM_ALLOC 0x2B
#define NV_ESC_CHECK_VERSION_STR 0xD2
#define NV_RM_API_VERSION_CMD_QUERY '2'
#define NV01_ROOT 0x0
#define NV0000_CTRL_CMD_GPU_GET_PROBED_IDS 0x214
#define NV0000_CTRL_CMD_GPU_GET_PCI_INFO 0x21B
#define NV0000_CTRL_GPU_INVALID_ID 0xFFFFFFFFu

#define RM_IOCTL(nr, type) _IOWR(NV_IOCTL_MAGIC, nr, type)

static int ctl = -1;
static uint32_t client;

static void die(const char *what, int err) {
    fprintf(stderr, "rm_control_loop: %s: %s\n", what, err ? strerror(err) : "failed");
    exit(1);
}

static uint32_t control(uint32_t cmd, void *params, uint32_t size) {
    NVOS54_PARAMETERS p = {.hClient = client, .hObject = client, .cmd = cmd,
                           .params = (uint64_t) (uintptr_t) params, .paramsSize = size};
    if (ioctl(ctl, RM_IOCTL(NV_ESC_RM_CONTROL, NVOS54_PARAMETERS), &p) < 0) die("NV_ESC_RM_CONTROL", errno);
    return p.status;
}

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t) t.tv_sec * 1000000000 + t.tv_nsec;
}

static int by_value(const void *a, const void *b) {
    int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
    return (x > y) - (x < y);
}

/* Nearest rank, in integers, as ControlBench.rank does. */
static int64_t rank(const int64_t *sorted, long n, long percent) {
    long r = (percent * n + 99) / 100;
    return sorted[r > 0 ? r - 1 : 0];
}

#define STRUCT(T) printf("%s: size=%zu align=%zu\n", #T, sizeof(T), _Alignof(T))
#define FIELD(T, f) printf("   %-28s off=%5zu size=%5zu\n", #f, offsetof(T, f), sizeof(((T *) 0)->f))

static void layouts(void) {
    STRUCT(nv_ioctl_rm_api_version_t);
    FIELD(nv_ioctl_rm_api_version_t, cmd);
    FIELD(nv_ioctl_rm_api_version_t, reply);
    FIELD(nv_ioctl_rm_api_version_t, versionString);
    STRUCT(NVOS00_PARAMETERS);
    FIELD(NVOS00_PARAMETERS, hRoot);
    FIELD(NVOS00_PARAMETERS, hObjectParent);
    FIELD(NVOS00_PARAMETERS, hObjectOld);
    FIELD(NVOS00_PARAMETERS, status);
    STRUCT(NVOS21_PARAMETERS);
    FIELD(NVOS21_PARAMETERS, hRoot);
    FIELD(NVOS21_PARAMETERS, hObjectParent);
    FIELD(NVOS21_PARAMETERS, hObjectNew);
    FIELD(NVOS21_PARAMETERS, hClass);
    FIELD(NVOS21_PARAMETERS, pAllocParms);
    FIELD(NVOS21_PARAMETERS, paramsSize);
    FIELD(NVOS21_PARAMETERS, status);
    STRUCT(NVOS54_PARAMETERS);
    FIELD(NVOS54_PARAMETERS, hClient);
    FIELD(NVOS54_PARAMETERS, hObject);
    FIELD(NVOS54_PARAMETERS, cmd);
    FIELD(NVOS54_PARAMETERS, flags);
    FIELD(NVOS54_PARAMETERS, params);
    FIELD(NVOS54_PARAMETERS, paramsSize);
    FIELD(NVOS54_PARAMETERS, status);
    STRUCT(NV0000_CTRL_GPU_GET_PROBED_IDS_PARAMS);
    FIELD(NV0000_CTRL_GPU_GET_PROBED_IDS_PARAMS, gpuIds);
    FIELD(NV0000_CTRL_GPU_GET_PROBED_IDS_PARAMS, excludedGpuIds);
    FIELD(NV0000_CTRL_GPU_GET_PROBED_IDS_PARAMS, gpuFlags);
    STRUCT(NV0000_CTRL_GPU_GET_PCI_INFO_PARAMS);
    FIELD(NV0000_CTRL_GPU_GET_PCI_INFO_PARAMS, gpuId);
    FIELD(NV0000_CTRL_GPU_GET_PCI_INFO_PARAMS, domain);
    FIELD(NV0000_CTRL_GPU_GET_PCI_INFO_PARAMS, bus);
    FIELD(NV0000_CTRL_GPU_GET_PCI_INFO_PARAMS, slot);
    printf("ioctl NV_ESC_RM_FREE=0x%08lx NV_ESC_RM_CONTROL=0x%08lx NV_ESC_RM_ALLOC=0x%08lx NV_ESC_CHECK_VERSION_STR=0x%08lx\n",
           (unsigned long) RM_IOCTL(NV_ESC_RM_FREE, NVOS00_PARAMETERS),
           (unsigned long) RM_IOCTL(NV_ESC_RM_CONTROL, NVOS54_PARAMETERS),
           (unsigned long) RM_IOCTL(NV_ESC_RM_ALLOC, NVOS21_PARAMETERS),
           (unsigned long) RM_IOCTL(NV_ESC_CHECK_VERSION_STR, nv_ioctl_rm_api_version_t));
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "--layouts") == 0) {
        layouts();
        return 0;
    }
    char *end = NULL;
    long n = argc == 2 ? strtol(argv[1], &end, 10) : 0;
    if (argc != 2 || *end != '\0' || n < 1 || n > 10000000) {
        fprintf(stderr, "usage: %s N (1..10000000 calls) | --layouts\n", argv[0]);
        return 2;
    }
    ctl = open("/dev/nvidiactl", O_RDWR | O_CLOEXEC);
    if (ctl < 0) die("open /dev/nvidiactl", errno);

    nv_ioctl_rm_api_version_t v = {.cmd = NV_RM_API_VERSION_CMD_QUERY};
    if (ioctl(ctl, RM_IOCTL(NV_ESC_CHECK_VERSION_STR, nv_ioctl_rm_api_version_t), &v) < 0) die("NV_ESC_CHECK_VERSION_STR", errno);
    printf("version query: reply %u, \"%.64s\"\n", v.reply, v.versionString);

    NVOS21_PARAMETERS a = {.hClass = NV01_ROOT};
    if (ioctl(ctl, RM_IOCTL(NV_ESC_RM_ALLOC, NVOS21_PARAMETERS), &a) < 0) die("NV_ESC_RM_ALLOC", errno);
    if (a.status != 0) {
        fprintf(stderr, "rm_control_loop: root client: status 0x%x\n", a.status);
        return 1;
    }
    client = a.hObjectNew;
    printf("root client 0x%x\n", client);

    NV0000_CTRL_GPU_GET_PROBED_IDS_PARAMS probed;
    memset(&probed, 0, sizeof probed);
    uint32_t status = control(NV0000_CTRL_CMD_GPU_GET_PROBED_IDS, &probed, sizeof probed);
    if (status != 0 || probed.gpuIds[0] == NV0000_CTRL_GPU_INVALID_ID) {
        fprintf(stderr, "rm_control_loop: GET_PROBED_IDS (%zu bytes): status 0x%x, first id 0x%x\n", sizeof probed,
                status, probed.gpuIds[0]);
        return 1;
    }
    NV0000_CTRL_GPU_GET_PCI_INFO_PARAMS pci = {.gpuId = probed.gpuIds[0]};
    status = control(NV0000_CTRL_CMD_GPU_GET_PCI_INFO, &pci, sizeof pci);
    printf("GET_PCI_INFO gpu id 0x%x: status 0x%x, %04x:%02x:%02x.0\n", pci.gpuId, status, pci.domain, pci.bus, pci.slot);

    uint32_t bad = 0;
    for (long i = 0; i < n; i++) bad |= control(NV0000_CTRL_CMD_GPU_GET_PCI_INFO, &pci, sizeof pci);
    int64_t start = now_ns();
    for (long i = 0; i < n; i++) bad |= control(NV0000_CTRL_CMD_GPU_GET_PCI_INFO, &pci, sizeof pci);
    double loop = (double) (now_ns() - start) / n;
    int64_t *each = malloc(sizeof(int64_t) * n);
    if (each == NULL) die("malloc", ENOMEM);
    double sum = 0;
    for (long i = 0; i < n; i++) {
        int64_t t0 = now_ns();
        bad |= control(NV0000_CTRL_CMD_GPU_GET_PCI_INFO, &pci, sizeof pci);
        each[i] = now_ns() - t0;
        sum += (double) each[i];
    }
    qsort(each, n, sizeof(int64_t), by_value);
    printf("bench: %ld x GPU_GET_PCI_INFO (0x21b) in C, after %ld warm-up calls%s\n", n, n,
           bad ? " (SOME CALLS FAILED)" : "");
    printf("  loop        %.0f ns per call\n", loop);
    printf("  one by one  mean %.0f ns, median %lld ns, p99 %lld ns (min %lld, max %lld)\n", sum / n,
           (long long) rank(each, n, 50), (long long) rank(each, n, 99), (long long) each[0], (long long) each[n - 1]);
    free(each);

    NVOS00_PARAMETERS f = {.hRoot = client, .hObjectParent = client, .hObjectOld = client};
    if (ioctl(ctl, RM_IOCTL(NV_ESC_RM_FREE, NVOS00_PARAMETERS), &f) < 0) die("NV_ESC_RM_FREE", errno);
    printf("root client freed: status 0x%x\n", f.status);
    close(ctl);
    return bad || f.status ? 1 : 0;
}
