/*
 * Cold start of a PKCS#11 module in a fresh process, as a signing tool meets it:
 * dlopen + C_GetFunctionList, C_Initialize, find the private key by label, C_SignInit + C_Sign (CKM_ECDSA
 * over a SHA-256 digest). Prints one line of key=value timings (ms, CLOCK_MONOTONIC) and VmRSS (KiB)
 * before dlopen and after the first signature.
 *
 *   coldstart MODULE KEY_LABEL [PIN]
 *
 * Only the part of the PKCS#11 v2.40 ABI this needs is declared (Linux/macOS: CK_ULONG is unsigned long).
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef unsigned long CK_ULONG;
typedef CK_ULONG CK_RV;
typedef struct { CK_ULONG type; void *pValue; CK_ULONG ulValueLen; } CK_ATTRIBUTE;
typedef struct { CK_ULONG mechanism; void *pParameter; CK_ULONG ulParameterLen; } CK_MECHANISM;
typedef struct { void *CreateMutex, *DestroyMutex, *LockMutex, *UnlockMutex; CK_ULONG flags; void *pReserved; } CK_C_INITIALIZE_ARGS;

#define CKR_OK 0x0UL
#define CKR_USER_ALREADY_LOGGED_IN 0x100UL
#define CKF_OS_LOCKING_OK 0x2UL
#define CKF_SERIAL_SESSION 0x4UL
#define CKU_USER 1UL
#define CKA_CLASS 0x0UL
#define CKA_LABEL 0x3UL
#define CKO_PRIVATE_KEY 0x3UL
#define CKM_ECDSA 0x1041UL

/* CK_FUNCTION_LIST up to C_Sign, in the order of the specification. */
typedef struct {
    unsigned char version[2];
    CK_RV (*C_Initialize)(void *);
    CK_RV (*C_Finalize)(void *);
    void *C_GetInfo, *C_GetFunctionList;
    CK_RV (*C_GetSlotList)(unsigned char, CK_ULONG *, CK_ULONG *);
    void *C_GetSlotInfo, *C_GetTokenInfo, *C_GetMechanismList, *C_GetMechanismInfo, *C_InitToken, *C_InitPIN, *C_SetPIN;
    CK_RV (*C_OpenSession)(CK_ULONG, CK_ULONG, void *, void *, CK_ULONG *);
    CK_RV (*C_CloseSession)(CK_ULONG);
    void *C_CloseAllSessions, *C_GetSessionInfo, *C_GetOperationState, *C_SetOperationState;
    CK_RV (*C_Login)(CK_ULONG, CK_ULONG, unsigned char *, CK_ULONG);
    void *C_Logout, *C_CreateObject, *C_CopyObject, *C_DestroyObject, *C_GetObjectSize, *C_GetAttributeValue, *C_SetAttributeValue;
    CK_RV (*C_FindObjectsInit)(CK_ULONG, CK_ATTRIBUTE *, CK_ULONG);
    CK_RV (*C_FindObjects)(CK_ULONG, CK_ULONG *, CK_ULONG, CK_ULONG *);
    CK_RV (*C_FindObjectsFinal)(CK_ULONG);
    void *C_EncryptInit, *C_Encrypt, *C_EncryptUpdate, *C_EncryptFinal, *C_DecryptInit, *C_Decrypt, *C_DecryptUpdate, *C_DecryptFinal;
    void *C_DigestInit, *C_Digest, *C_DigestUpdate, *C_DigestKey, *C_DigestFinal;
    CK_RV (*C_SignInit)(CK_ULONG, CK_MECHANISM *, CK_ULONG);
    CK_RV (*C_Sign)(CK_ULONG, unsigned char *, CK_ULONG, unsigned char *, CK_ULONG *);
} CK_FUNCTION_LIST;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long rss_kib(void)
{
    char line[256];
    long kib = -1;
    FILE *status = fopen("/proc/self/status", "r");
    if (!status) return -1;
    while (fgets(line, sizeof line, status))
        if (sscanf(line, "VmRSS: %ld kB", &kib) == 1) break;
    fclose(status);
    return kib;
}

static void check(CK_RV rv, const char *call)
{
    if (rv != CKR_OK) { fprintf(stderr, "%s failed: 0x%lx\n", call, rv); exit(1); }
}

int main(int argc, char **argv)
{
    if (argc < 3) { fprintf(stderr, "usage: coldstart MODULE KEY_LABEL [PIN]\n"); return 2; }
    const char *label = argv[2], *pin = argc > 3 ? argv[3] : NULL;

    long rss_before = rss_kib();
    double t0 = now_ms();
    void *module = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!module) { fprintf(stderr, "dlopen: %s\n", dlerror()); return 1; }
    CK_RV (*get_function_list)(CK_FUNCTION_LIST **) = (CK_RV (*)(CK_FUNCTION_LIST **))dlsym(module, "C_GetFunctionList");
    if (!get_function_list) { fprintf(stderr, "no C_GetFunctionList\n"); return 1; }
    CK_FUNCTION_LIST *p11;
    check(get_function_list(&p11), "C_GetFunctionList");
    double t1 = now_ms();

    CK_C_INITIALIZE_ARGS init = { NULL, NULL, NULL, NULL, CKF_OS_LOCKING_OK, NULL };
    check(p11->C_Initialize(&init), "C_Initialize");
    double t2 = now_ms();

    CK_ULONG slots[64], count = 64, session = 0, key = 0, found = 0;
    check(p11->C_GetSlotList(1, slots, &count), "C_GetSlotList");
    CK_ULONG key_class = CKO_PRIVATE_KEY;
    CK_ATTRIBUTE template[] = { { CKA_CLASS, &key_class, sizeof key_class }, { CKA_LABEL, (void *)label, strlen(label) } };
    for (CK_ULONG i = 0; i < count && !found; i++) {
        check(p11->C_OpenSession(slots[i], CKF_SERIAL_SESSION, NULL, NULL, &session), "C_OpenSession");
        if (pin) {
            CK_RV rv = p11->C_Login(session, CKU_USER, (unsigned char *)pin, strlen(pin));
            if (rv != CKR_USER_ALREADY_LOGGED_IN) check(rv, "C_Login");
        }
        check(p11->C_FindObjectsInit(session, template, 2), "C_FindObjectsInit");
        check(p11->C_FindObjects(session, &key, 1, &found), "C_FindObjects");
        check(p11->C_FindObjectsFinal(session), "C_FindObjectsFinal");
        if (!found) check(p11->C_CloseSession(session), "C_CloseSession");
    }
    if (!found) { fprintf(stderr, "no private key labelled %s\n", label); return 1; }
    double t3 = now_ms();

    unsigned char digest[32], signature[512];
    CK_ULONG signature_length = sizeof signature;
    memset(digest, 0x5a, sizeof digest);
    CK_MECHANISM mechanism = { CKM_ECDSA, NULL, 0 };
    check(p11->C_SignInit(session, &mechanism, key), "C_SignInit");
    check(p11->C_Sign(session, digest, sizeof digest, signature, &signature_length), "C_Sign");
    double t4 = now_ms();
    long rss_after = rss_kib();

    printf("load_ms=%.3f initialize_ms=%.3f find_key_ms=%.3f first_signature_ms=%.3f total_ms=%.3f rss_before_kib=%ld rss_after_kib=%ld\n",
           t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0, rss_before, rss_after);
    fflush(stdout);
    p11->C_CloseSession(session);
    p11->C_Finalize(NULL);
    return 0;
}
