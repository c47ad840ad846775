/*
 * Hostile input at the C boundary: calls every export of the 2.40 and 3.0 function tables with
 * NULL pointers, unknown, closed and stale handles, short and zero-length buffers, wrong lengths,
 * random templates, bad mechanisms and parameters, calls out of order, before C_Initialize and
 * after C_Finalize, and with threads racing C_CloseSession. Each case names the CK_RV the PKCS#11
 * 2.40 / 3.0 specification gives for it and prints "ok" or "MISMATCH" with expected and got.
 * Run as its own process so that a crash (signal, abort) fails the test that runs it.
 *
 * usage: hostile MODULE EC_LABEL RSA_LABEL [SEED]   (the configuration comes from CODESIGN_PKCS11_CONFIG)
 * Ends with "hostile: N cases, M mismatches" and exit 0 once every case ran.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef unsigned long CK_ULONG;
typedef CK_ULONG CK_RV;
typedef struct { unsigned char major, minor; } CK_VERSION;
typedef struct { CK_ULONG type; void *pValue; CK_ULONG ulValueLen; } CK_ATTRIBUTE;
typedef struct { CK_ULONG mechanism; void *pParameter; CK_ULONG ulParameterLen; } CK_MECHANISM;
typedef struct { CK_ULONG hashAlg, mgf, sLen; } CK_RSA_PKCS_PSS_PARAMS;
typedef struct { void *CreateMutex, *DestroyMutex, *LockMutex, *UnlockMutex; CK_ULONG flags; void *pReserved; } CK_C_INITIALIZE_ARGS;
typedef struct { char *pInterfaceName; void *pFunctionList; CK_ULONG flags; } CK_INTERFACE;
typedef struct { CK_ULONG slotID, state, flags, ulDeviceError; } CK_SESSION_INFO;

#define CKR_OK 0x0UL
#define CKR_SLOT_ID_INVALID 0x3UL
#define CKR_GENERAL_ERROR 0x5UL
#define CKR_ARGUMENTS_BAD 0x7UL
#define CKR_CANT_LOCK 0xAUL
#define CKR_ATTRIBUTE_SENSITIVE 0x11UL
#define CKR_ATTRIBUTE_TYPE_INVALID 0x12UL
#define CKR_DATA_INVALID 0x20UL
#define CKR_DATA_LEN_RANGE 0x21UL
#define CKR_FUNCTION_NOT_PARALLEL 0x51UL
#define CKR_FUNCTION_NOT_SUPPORTED 0x54UL
#define CKR_KEY_HANDLE_INVALID 0x60UL
#define CKR_KEY_TYPE_INCONSISTENT 0x63UL
#define CKR_KEY_FUNCTION_NOT_PERMITTED 0x68UL
#define CKR_MECHANISM_INVALID 0x70UL
#define CKR_MECHANISM_PARAM_INVALID 0x71UL
#define CKR_OBJECT_HANDLE_INVALID 0x82UL
#define CKR_OPERATION_ACTIVE 0x90UL
#define CKR_OPERATION_NOT_INITIALIZED 0x91UL
#define CKR_SESSION_CLOSED 0xB0UL
#define CKR_SESSION_HANDLE_INVALID 0xB3UL
#define CKR_SESSION_PARALLEL_NOT_SUPPORTED 0xB4UL
#define CKR_SESSION_READ_ONLY 0xB5UL
#define CKR_SIGNATURE_INVALID 0xC0UL
#define CKR_SIGNATURE_LEN_RANGE 0xC1UL
#define CKR_TOKEN_WRITE_PROTECTED 0xE2UL
#define CKR_USER_NOT_LOGGED_IN 0x101UL
#define CKR_USER_TYPE_INVALID 0x103UL
#define CKR_BUFFER_TOO_SMALL 0x150UL
#define CKR_CRYPTOKI_NOT_INITIALIZED 0x190UL
#define CKR_CRYPTOKI_ALREADY_INITIALIZED 0x191UL
#define CK_UNAVAILABLE_INFORMATION (~0UL)

#define CKF_LIBRARY_CANT_CREATE_OS_THREADS 0x1UL
#define CKF_OS_LOCKING_OK 0x2UL
#define CKF_RW_SESSION 0x2UL
#define CKF_SERIAL_SESSION 0x4UL
#define CKU_USER 1UL
#define CKO_CERTIFICATE 1UL
#define CKO_PUBLIC_KEY 2UL
#define CKO_PRIVATE_KEY 3UL
#define CKA_CLASS 0x0UL
#define CKA_LABEL 0x3UL
#define CKA_VALUE 0x11UL
#define CKA_ID 0x102UL
#define CKA_EC_POINT 0x181UL
#define CKA_WRAP_TEMPLATE 0x40000211UL
#define CKA_VENDOR_DEFINED 0x80000000UL
#define CKM_RSA_PKCS 0x1UL
#define CKM_RSA_PKCS_PSS 0xDUL
#define CKM_SHA256_RSA_PKCS_PSS 0x43UL
#define CKM_SHA_1 0x220UL
#define CKM_SHA256 0x250UL
#define CKM_SHA384 0x260UL
#define CKM_ECDSA 0x1041UL
#define CKM_ECDSA_SHA256 0x1044UL
#define CKM_VENDOR_DEFINED 0x80000000UL
#define CKG_MGF1_SHA256 0x2UL
#define CKG_MGF1_SHA384 0x3UL

/* CK_FUNCTION_LIST_3_0 in order; the first 68 entries are CK_FUNCTION_LIST (2.40). */
static const char *const Names[] = {
    "C_Initialize", "C_Finalize", "C_GetInfo", "C_GetFunctionList", "C_GetSlotList", "C_GetSlotInfo",
    "C_GetTokenInfo", "C_GetMechanismList", "C_GetMechanismInfo", "C_InitToken", "C_InitPIN", "C_SetPIN",
    "C_OpenSession", "C_CloseSession", "C_CloseAllSessions", "C_GetSessionInfo", "C_GetOperationState",
    "C_SetOperationState", "C_Login", "C_Logout", "C_CreateObject", "C_CopyObject", "C_DestroyObject",
    "C_GetObjectSize", "C_GetAttributeValue", "C_SetAttributeValue", "C_FindObjectsInit", "C_FindObjects",
    "C_FindObjectsFinal", "C_EncryptInit", "C_Encrypt", "C_EncryptUpdate", "C_EncryptFinal", "C_DecryptInit",
    "C_Decrypt", "C_DecryptUpdate", "C_DecryptFinal", "C_DigestInit", "C_Digest", "C_DigestUpdate",
    "C_DigestKey", "C_DigestFinal", "C_SignInit", "C_Sign", "C_SignUpdate", "C_SignFinal",
    "C_SignRecoverInit", "C_SignRecover", "C_VerifyInit", "C_Verify", "C_VerifyUpdate", "C_VerifyFinal",
    "C_VerifyRecoverInit", "C_VerifyRecover", "C_DigestEncryptUpdate", "C_DecryptDigestUpdate",
    "C_SignEncryptUpdate", "C_DecryptVerifyUpdate", "C_GenerateKey", "C_GenerateKeyPair", "C_WrapKey",
    "C_UnwrapKey", "C_DeriveKey", "C_SeedRandom", "C_GenerateRandom", "C_GetFunctionStatus",
    "C_CancelFunction", "C_WaitForSlotEvent",
    "C_GetInterfaceList", "C_GetInterface", "C_LoginUser", "C_SessionCancel", "C_MessageEncryptInit",
    "C_EncryptMessage", "C_EncryptMessageBegin", "C_EncryptMessageNext", "C_MessageEncryptFinal",
    "C_MessageDecryptInit", "C_DecryptMessage", "C_DecryptMessageBegin", "C_DecryptMessageNext",
    "C_MessageDecryptFinal", "C_MessageSignInit", "C_SignMessage", "C_SignMessageBegin", "C_SignMessageNext",
    "C_MessageSignFinal", "C_MessageVerifyInit", "C_VerifyMessage", "C_VerifyMessageBegin",
    "C_VerifyMessageNext", "C_MessageVerifyFinal",
};
enum { V2_COUNT = 68, V3_COUNT = sizeof(Names) / sizeof(Names[0]) };

typedef CK_RV (*any_fn)(CK_ULONG, CK_ULONG, CK_ULONG, CK_ULONG, CK_ULONG, CK_ULONG, CK_ULONG, CK_ULONG, CK_ULONG);
typedef struct { CK_VERSION version; any_fn fn[V3_COUNT]; } function_table;

static function_table *v2, *v3;
static int cases, mismatches;
static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;

static int index_of(const char *name)
{
    for (int i = 0; i < V3_COUNT; i++)
        if (strcmp(Names[i], name) == 0) return i;
    fprintf(stderr, "unknown function %s\n", name);
    exit(3);
}

/* Every CK_* argument is an integer or a pointer, so one 9-argument call shape reaches every entry
 * on LP64 (extra arguments are ignored by the callee); U() passes a pointer as CK_ULONG. */
#define U(x) ((CK_ULONG)(uintptr_t)(x))
static CK_RV call9(function_table *table, const char *name, int n, const CK_ULONG *arguments)
{
    CK_ULONG a[9] = {0};
    memcpy(a, arguments, (size_t)n * sizeof(CK_ULONG));
    return table->fn[index_of(name)](a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8]);
}
#define NARGS(...) ((int)(sizeof((CK_ULONG[]){__VA_ARGS__}) / sizeof(CK_ULONG)))
/* The compound literal converts every argument to CK_ULONG (an int passed through ... would not be). */
#define CALL(name, ...) call9(v3, name, NARGS(__VA_ARGS__), (const CK_ULONG[]){__VA_ARGS__})

/* One case: got must be one of the expected codes (a list ends with ~0UL). */
static void expect_any(const char *what, CK_RV got, const CK_RV *expected)
{
    int ok = 0;
    char list[160] = "";
    for (int i = 0; expected[i] != ~0UL; i++) {
        ok |= got == expected[i];
        snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s0x%lx", i ? "|" : "", expected[i]);
    }
    pthread_mutex_lock(&report_lock);
    cases++;
    if (!ok) mismatches++;
    printf("%s %s: expected %s got 0x%lx\n", ok ? "ok" : "MISMATCH", what, list, got);
    fflush(stdout);
    pthread_mutex_unlock(&report_lock);
}
#define EXPECT(what, got, ...) expect_any(what, got, (const CK_RV[]){__VA_ARGS__, ~0UL})
/* A fact about an output value (a length, a count) rather than a CK_RV. */
#define CHECK(what, condition) expect_any(what, (condition) ? CKR_OK : 1UL, (const CK_RV[]){CKR_OK, ~0UL})

/* Deterministic random numbers so that a failing run can be repeated with the printed seed. */
static uint64_t rng_state;
static uint64_t next_random(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* The zero-argument answer of each entry once initialized: NULL pointers, handle 0, slot 0. */
static const CK_RV *zero_answer(const char *name)
{
    static const CK_RV args_bad[] = {CKR_ARGUMENTS_BAD, ~0UL};
    static const CK_RV slot_or_args[] = {CKR_SLOT_ID_INVALID, CKR_ARGUMENTS_BAD, ~0UL};
    static const CK_RV open[] = {CKR_SLOT_ID_INVALID, CKR_ARGUMENTS_BAD, CKR_SESSION_PARALLEL_NOT_SUPPORTED, ~0UL};
    static const CK_RV session[] = {CKR_SESSION_HANDLE_INVALID, ~0UL};
    static const CK_RV session_or_args[] = {CKR_SESSION_HANDLE_INVALID, CKR_ARGUMENTS_BAD, ~0UL};
    static const CK_RV not_supported[] = {CKR_FUNCTION_NOT_SUPPORTED, ~0UL};
    static const CK_RV not_parallel[] = {CKR_FUNCTION_NOT_PARALLEL, ~0UL};
    static const char *const session_args[] = {"C_GetSessionInfo", "C_GetObjectSize", "C_FindObjects", "C_SignInit",
        "C_Sign", "C_SignFinal", "C_VerifyInit", "C_Verify", "C_VerifyFinal", NULL};
    static const char *const session_only[] = {"C_InitPIN", "C_SetPIN", "C_CloseSession", "C_Login", "C_Logout",
        "C_LoginUser", "C_CreateObject", "C_CopyObject", "C_DestroyObject", "C_GetAttributeValue",
        "C_SetAttributeValue", "C_FindObjectsInit", "C_FindObjectsFinal", "C_SignUpdate", "C_VerifyUpdate", NULL};
    static const char *const slot_only[] = {"C_GetSlotInfo", "C_GetTokenInfo", "C_GetMechanismList",
        "C_GetMechanismInfo", "C_InitToken", "C_CloseAllSessions", NULL};
    for (int i = 0; session_args[i]; i++) if (!strcmp(name, session_args[i])) return session_or_args;
    for (int i = 0; session_only[i]; i++) if (!strcmp(name, session_only[i])) return session;
    for (int i = 0; slot_only[i]; i++) if (!strcmp(name, slot_only[i])) return slot_or_args;
    if (!strcmp(name, "C_OpenSession")) return open;
    if (!strcmp(name, "C_GetFunctionStatus") || !strcmp(name, "C_CancelFunction")) return not_parallel;
    if (!strcmp(name, "C_Finalize") || !strcmp(name, "C_GetInfo") || !strcmp(name, "C_GetSlotList") || !strcmp(name, "C_GetFunctionList")
        || !strcmp(name, "C_GetInterfaceList") || !strcmp(name, "C_GetInterface")) return args_bad;
    /* Everything else is a stub: "this stub should simply return CKR_FUNCTION_NOT_SUPPORTED" (2.40 5.1). */
    return not_supported;
}

/* Every entry of a table with all-zero arguments. Initialized: zero_answer(). Not initialized:
 * CKR_CRYPTOKI_NOT_INITIALIZED, stubs included (docs/pkcs11.md), except the bootstrap functions. */
static void sweep(function_table *table, int count, const char *label, int initialized)
{
    for (int i = 0; i < count; i++) {
        const char *name = Names[i];
        if (!strcmp(name, "C_Initialize") || (initialized && !strcmp(name, "C_Finalize"))) continue;
        char what[128];
        snprintf(what, sizeof what, "%s %s(0...)", label, name);
        CK_RV got = table->fn[i](0, 0, 0, 0, 0, 0, 0, 0, 0);
        const CK_RV *answer = zero_answer(name);
        if (!initialized && strcmp(name, "C_GetFunctionList") && strcmp(name, "C_GetInterfaceList") && strcmp(name, "C_GetInterface")) {
            EXPECT(what, got, CKR_CRYPTOKI_NOT_INITIALIZED);
        } else {
            expect_any(what, got, answer);
        }
    }
}

static CK_ULONG find_slot(const char *label)
{
    CK_ULONG slots[16], count = 16;
    if (CALL("C_GetSlotList", 1, U(slots), U(&count)) != CKR_OK) return ~0UL;
    for (CK_ULONG i = 0; i < count; i++) {
        unsigned char info[512];
        if (CALL("C_GetTokenInfo", slots[i], U(info)) != CKR_OK) continue;
        size_t n = strlen(label);
        if (!memcmp(info, label, n) && (n == 32 || info[n] == ' ')) return slots[i];
    }
    return ~0UL;
}

static CK_ULONG open_session(CK_ULONG slot)
{
    CK_ULONG session = 0;
    EXPECT("C_OpenSession read-only serial", CALL("C_OpenSession", slot, CKF_SERIAL_SESSION, 0, 0, U(&session)), CKR_OK);
    return session;
}

static CK_ULONG find_one(CK_ULONG session, CK_ULONG object_class)
{
    CK_ATTRIBUTE template[] = {{CKA_CLASS, &object_class, sizeof object_class}};
    CK_ULONG found[4] = {0}, count = 0;
    CALL("C_FindObjectsInit", session, U(template), 1);
    CALL("C_FindObjects", session, U(found), 4, U(&count));
    CALL("C_FindObjectsFinal", session);
    return count > 0 ? found[0] : 0;
}

/* pReserved (and pInitArgs) pointing at memory that is not readable: the module must answer
 * CKR_ARGUMENTS_BAD, as SoftHSM2 does, and stay uninitialized; reading it would kill this process. */
static void unreadable_reserved_cases(void)
{
    long page = sysconf(_SC_PAGESIZE);
    unsigned char *pages = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (pages == MAP_FAILED) { perror("mmap"); exit(3); }
    /* The second page unreadable: a string running into it has no terminator the module may read. */
    memset(pages, 'a', page);
    mprotect(pages + page, page, PROT_NONE);
    const struct { const char *what; void *reserved; } bad[] = {
        {"C_Initialize pReserved 0x1000", (void *)0x1000},
        {"C_Initialize pReserved 0x10000", (void *)0x10000},
        {"C_Initialize pReserved 0x7f0000000000", (void *)0x7f0000000000UL},
        {"C_Initialize pReserved on a PROT_NONE page", pages + page},
        {"C_Initialize pReserved running into a PROT_NONE page", pages + page - 16},
    };
    CK_C_INITIALIZE_ARGS args;
    unsigned char info[256];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&args, 0, sizeof args);
        args.flags = CKF_OS_LOCKING_OK;
        args.pReserved = bad[i].reserved;
        EXPECT(bad[i].what, CALL("C_Initialize", U(&args)), CKR_ARGUMENTS_BAD);
        char after[160];
        snprintf(after, sizeof after, "C_GetInfo after %s", bad[i].what);
        EXPECT(after, CALL("C_GetInfo", U(info)), CKR_CRYPTOKI_NOT_INITIALIZED);
    }
    EXPECT("C_Initialize pInitArgs 0x1000", CALL("C_Initialize", 0x1000), CKR_ARGUMENTS_BAD);
    EXPECT("C_Initialize pInitArgs on a PROT_NONE page", CALL("C_Initialize", U(pages + page)), CKR_ARGUMENTS_BAD);
    /* A readable path that ends right at the edge of the unreadable page is read: no such file. */
    memset(&args, 0, sizeof args);
    args.pReserved = pages + page - 8;
    memcpy(pages + page - 8, "/nopath", 8);
    EXPECT("C_Initialize pReserved a path ending at the page edge (read; no such file)", CALL("C_Initialize", U(&args)), CKR_GENERAL_ERROR);
    EXPECT("C_GetInfo after the missing configuration", CALL("C_GetInfo", U(info)), CKR_CRYPTOKI_NOT_INITIALIZED);
    munmap(pages, 2 * page);
}

static void initialize_cases(void)
{
    CK_C_INITIALIZE_ARGS args;
    memset(&args, 0, sizeof args);
    args.CreateMutex = (void *)1;
    EXPECT("C_Initialize with one of four mutex callbacks", CALL("C_Initialize", U(&args)), CKR_ARGUMENTS_BAD);
    args.DestroyMutex = args.LockMutex = args.UnlockMutex = (void *)1;
    EXPECT("C_Initialize with mutex callbacks and no CKF_OS_LOCKING_OK", CALL("C_Initialize", U(&args)), CKR_CANT_LOCK);
    memset(&args, 0, sizeof args);
    args.flags = CKF_LIBRARY_CANT_CREATE_OS_THREADS | CKF_OS_LOCKING_OK;
    /* p11-kit passes this flag on every C_Initialize; the module accepts it as SoftHSM2 does. */
    EXPECT("C_Initialize with CKF_LIBRARY_CANT_CREATE_OS_THREADS (as p11-kit calls it)", CALL("C_Initialize", U(&args)), CKR_OK);
    EXPECT("C_Finalize after it", CALL("C_Finalize", 0), CKR_OK);
    args.flags = CKF_OS_LOCKING_OK;
    EXPECT("C_Initialize with CKF_OS_LOCKING_OK", CALL("C_Initialize", U(&args)), CKR_OK);
    EXPECT("C_Initialize twice", CALL("C_Initialize", 0), CKR_CRYPTOKI_ALREADY_INITIALIZED);
    EXPECT("C_Finalize with pReserved not NULL", CALL("C_Finalize", U(&args)), CKR_ARGUMENTS_BAD);
    unsigned char info[256];
    EXPECT("C_GetInfo still initialized after the refused C_Finalize", CALL("C_GetInfo", U(info)), CKR_OK);
}

static void interface_cases(void)
{
    CK_INTERFACE list[4], *found = NULL;
    CK_ULONG count = 0;
    CK_VERSION wrong = {9, 9};
    EXPECT("C_GetInterfaceList NULL count", CALL("C_GetInterfaceList", 0, 0), CKR_ARGUMENTS_BAD);
    EXPECT("C_GetInterfaceList size query", CALL("C_GetInterfaceList", 0, U(&count)), CKR_OK);
    CHECK("C_GetInterfaceList counts 2 interfaces", count == 2);
    count = 1;
    EXPECT("C_GetInterfaceList one slot short", CALL("C_GetInterfaceList", U(list), U(&count)), CKR_BUFFER_TOO_SMALL);
    CHECK("C_GetInterfaceList short buffer reports the size needed", count == 2);
    EXPECT("C_GetInterface NULL ppInterface", CALL("C_GetInterface", U("PKCS 11"), 0, 0, 0), CKR_ARGUMENTS_BAD);
    EXPECT("C_GetInterface unknown name", CALL("C_GetInterface", U("PKCS 12"), 0, U(&found), 0), CKR_ARGUMENTS_BAD);
    EXPECT("C_GetInterface unknown version", CALL("C_GetInterface", U("PKCS 11"), U(&wrong), U(&found), 0), CKR_ARGUMENTS_BAD);
    EXPECT("C_GetInterface unsupported flags", CALL("C_GetInterface", U("PKCS 11"), 0, U(&found), ~0UL), CKR_ARGUMENTS_BAD);
    EXPECT("C_GetFunctionList NULL", CALL("C_GetFunctionList", 0), CKR_ARGUMENTS_BAD);
}

static void slot_cases(CK_ULONG ec_slot)
{
    CK_ULONG slots[8], count = 0, mechanisms[64];
    unsigned char info[512];
    EXPECT("C_GetSlotList size query", CALL("C_GetSlotList", 1, 0, U(&count)), CKR_OK);
    CK_ULONG needed = count;
    CHECK("C_GetSlotList counts at least the two Signers", needed >= 2);
    count = 0;
    EXPECT("C_GetSlotList zero-length buffer", CALL("C_GetSlotList", 1, U(slots), U(&count)), CKR_BUFFER_TOO_SMALL);
    CHECK("C_GetSlotList zero-length buffer reports the size needed", count == needed);
    count = 1;
    EXPECT("C_GetSlotList short buffer", CALL("C_GetSlotList", 0, U(slots), U(&count)), CKR_BUFFER_TOO_SMALL);
    CHECK("C_GetSlotList short buffer reports the size needed", count == needed);
    EXPECT("C_GetSlotList NULL count", CALL("C_GetSlotList", 1, U(slots), 0), CKR_ARGUMENTS_BAD);
    EXPECT("C_GetSlotInfo unknown slot", CALL("C_GetSlotInfo", 0x7fffbeefUL, U(info)), CKR_SLOT_ID_INVALID);
    EXPECT("C_GetSlotInfo slot ~0", CALL("C_GetSlotInfo", ~0UL, U(info)), CKR_SLOT_ID_INVALID);
    EXPECT("C_GetSlotInfo NULL info", CALL("C_GetSlotInfo", ec_slot, 0), CKR_ARGUMENTS_BAD);
    EXPECT("C_GetTokenInfo unknown slot", CALL("C_GetTokenInfo", 0x7fffbeefUL, U(info)), CKR_SLOT_ID_INVALID);
    EXPECT("C_GetTokenInfo NULL info", CALL("C_GetTokenInfo", ec_slot, 0), CKR_ARGUMENTS_BAD);
    EXPECT("C_GetMechanismList unknown slot", CALL("C_GetMechanismList", 0x7fffbeefUL, 0, U(&count)), CKR_SLOT_ID_INVALID);
    EXPECT("C_GetMechanismList size query", CALL("C_GetMechanismList", ec_slot, 0, U(&count)), CKR_OK);
    needed = count;
    count = 1;
    EXPECT("C_GetMechanismList short buffer", CALL("C_GetMechanismList", ec_slot, U(mechanisms), U(&count)), CKR_BUFFER_TOO_SMALL);
    CHECK("C_GetMechanismList short buffer reports the size needed", count == needed && needed > 1);
    EXPECT("C_GetMechanismList NULL count", CALL("C_GetMechanismList", ec_slot, U(mechanisms), 0), CKR_ARGUMENTS_BAD);
    EXPECT("C_GetMechanismInfo vendor-defined mechanism", CALL("C_GetMechanismInfo", ec_slot, CKM_VENDOR_DEFINED | 0x1234, U(info)), CKR_MECHANISM_INVALID);
    EXPECT("C_GetMechanismInfo RSA mechanism on an EC token", CALL("C_GetMechanismInfo", ec_slot, CKM_RSA_PKCS, U(info)), CKR_MECHANISM_INVALID);
    EXPECT("C_GetMechanismInfo unknown slot", CALL("C_GetMechanismInfo", 0x7fffbeefUL, CKM_ECDSA, U(info)), CKR_SLOT_ID_INVALID);
    EXPECT("C_GetMechanismInfo NULL info", CALL("C_GetMechanismInfo", ec_slot, CKM_ECDSA, 0), CKR_ARGUMENTS_BAD);
    char label[32];
    memset(label, ' ', sizeof label);
    EXPECT("C_InitToken on a write-protected token", CALL("C_InitToken", ec_slot, U("1234"), 4, U(label)), CKR_TOKEN_WRITE_PROTECTED);
    EXPECT("C_InitToken unknown slot", CALL("C_InitToken", 0x7fffbeefUL, U("1234"), 4, U(label)), CKR_SLOT_ID_INVALID);
    EXPECT("C_WaitForSlotEvent (no slot events)", CALL("C_WaitForSlotEvent", 1, U(slots), 0), CKR_FUNCTION_NOT_SUPPORTED);
}

static void session_cases(CK_ULONG ec_slot)
{
    CK_ULONG session = 0, length = 0;
    CK_SESSION_INFO info;
    EXPECT("C_OpenSession without CKF_SERIAL_SESSION", CALL("C_OpenSession", ec_slot, 0, 0, 0, U(&session)), CKR_SESSION_PARALLEL_NOT_SUPPORTED);
    EXPECT("C_OpenSession read/write on a write-protected token", CALL("C_OpenSession", ec_slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, 0, 0, U(&session)), CKR_TOKEN_WRITE_PROTECTED);
    EXPECT("C_OpenSession unknown slot", CALL("C_OpenSession", 0x7fffbeefUL, CKF_SERIAL_SESSION, 0, 0, U(&session)), CKR_SLOT_ID_INVALID);
    EXPECT("C_OpenSession NULL phSession", CALL("C_OpenSession", ec_slot, CKF_SERIAL_SESSION, 0, 0, 0), CKR_ARGUMENTS_BAD);
    session = open_session(ec_slot);
    EXPECT("C_GetSessionInfo NULL info", CALL("C_GetSessionInfo", session, 0), CKR_ARGUMENTS_BAD);
    EXPECT("C_GetSessionInfo", CALL("C_GetSessionInfo", session, U(&info)), CKR_OK);
    CHECK("C_GetSessionInfo names the slot", info.slotID == ec_slot && (info.flags & CKF_SERIAL_SESSION));
    EXPECT("C_Login unknown user type", CALL("C_Login", session, 0xFFFFUL, U("x"), 1), CKR_USER_TYPE_INVALID);
    EXPECT("C_Login NULL PIN with a length", CALL("C_Login", session, CKU_USER, 0, 5), CKR_ARGUMENTS_BAD);
    EXPECT("C_Logout before C_Login", CALL("C_Logout", session), CKR_USER_NOT_LOGGED_IN);
    EXPECT("C_LoginUser NULL user name with a length", CALL("C_LoginUser", session, CKU_USER, U("x"), 1, 0, 5), CKR_ARGUMENTS_BAD);
    EXPECT("C_LoginUser NULL PIN with a length", CALL("C_LoginUser", session, CKU_USER, 0, 5, U("u"), 1), CKR_ARGUMENTS_BAD);
    EXPECT("C_Login (credentials in the configuration: any PIN)", CALL("C_Login", session, CKU_USER, 0, 0), CKR_OK);
    EXPECT("C_Logout", CALL("C_Logout", session), CKR_OK);
    EXPECT("C_InitPIN in a read-only session", CALL("C_InitPIN", session, U("1234"), 4), CKR_SESSION_READ_ONLY, CKR_USER_NOT_LOGGED_IN);
    EXPECT("C_SetPIN in a read-only session", CALL("C_SetPIN", session, U("1"), 1, U("2"), 1), CKR_SESSION_READ_ONLY);
    EXPECT("C_GetOperationState (state lives on the server)", CALL("C_GetOperationState", session, 0, U(&length)), CKR_FUNCTION_NOT_SUPPORTED);
    EXPECT("C_SetOperationState", CALL("C_SetOperationState", session, U("x"), 1, 0, 0), CKR_FUNCTION_NOT_SUPPORTED);
    EXPECT("C_SessionCancel", CALL("C_SessionCancel", session, 0), CKR_FUNCTION_NOT_SUPPORTED);
    EXPECT("C_CloseSession", CALL("C_CloseSession", session), CKR_OK);
    EXPECT("C_CloseSession closed handle", CALL("C_CloseSession", session), CKR_SESSION_HANDLE_INVALID);
    EXPECT("C_CloseAllSessions unknown slot", CALL("C_CloseAllSessions", 0x7fffbeefUL), CKR_SLOT_ID_INVALID);
}

static void find_cases(CK_ULONG session)
{
    CK_ULONG found[64], count = 0, cls = CKO_PRIVATE_KEY;
    CK_ATTRIBUTE t;
    EXPECT("C_FindObjects without C_FindObjectsInit", CALL("C_FindObjects", session, U(found), 64, U(&count)), CKR_OPERATION_NOT_INITIALIZED);
    EXPECT("C_FindObjectsFinal without C_FindObjectsInit", CALL("C_FindObjectsFinal", session), CKR_OPERATION_NOT_INITIALIZED);
    EXPECT("C_FindObjectsInit NULL template with a count", CALL("C_FindObjectsInit", session, 0, 1), CKR_ARGUMENTS_BAD);
    t = (CK_ATTRIBUTE){CKA_CLASS, NULL, sizeof cls};
    EXPECT("C_FindObjectsInit NULL pValue with a length", CALL("C_FindObjectsInit", session, U(&t), 1), CKR_ARGUMENTS_BAD);
    t = (CK_ATTRIBUTE){CKA_CLASS, &cls, ~0UL};
    EXPECT("C_FindObjectsInit ulValueLen ~0", CALL("C_FindObjectsInit", session, U(&t), 1), CKR_ARGUMENTS_BAD);
    EXPECT("C_FindObjects after a refused C_FindObjectsInit", CALL("C_FindObjects", session, U(found), 64, U(&count)), CKR_OPERATION_NOT_INITIALIZED);
    EXPECT("C_FindObjectsInit empty template", CALL("C_FindObjectsInit", session, 0, 0), CKR_OK);
    EXPECT("C_FindObjectsInit while a search is active", CALL("C_FindObjectsInit", session, 0, 0), CKR_OPERATION_ACTIVE);
    EXPECT("C_FindObjects NULL phObject", CALL("C_FindObjects", session, 0, 1, U(&count)), CKR_ARGUMENTS_BAD);
    EXPECT("C_FindObjects NULL pulObjectCount", CALL("C_FindObjects", session, U(found), 1, 0), CKR_ARGUMENTS_BAD);
    EXPECT("C_FindObjects zero max count", CALL("C_FindObjects", session, U(found), 0, U(&count)), CKR_OK);
    CHECK("C_FindObjects zero max count returns nothing", count == 0);
    EXPECT("C_FindObjects every object", CALL("C_FindObjects", session, U(found), 64, U(&count)), CKR_OK);
    CHECK("C_FindObjects finds key pair and chain", count >= 3);
    EXPECT("C_FindObjects exhausted", CALL("C_FindObjects", session, U(found), 64, U(&count)), CKR_OK);
    CHECK("C_FindObjects exhausted returns nothing", count == 0);
    EXPECT("C_FindObjectsFinal", CALL("C_FindObjectsFinal", session), CKR_OK);
    EXPECT("C_FindObjectsFinal twice", CALL("C_FindObjectsFinal", session), CKR_OPERATION_NOT_INITIALIZED);
    static unsigned char huge[1 << 20];
    t = (CK_ATTRIBUTE){CKA_VALUE, huge, sizeof huge};
    EXPECT("C_FindObjectsInit 1 MiB value", CALL("C_FindObjectsInit", session, U(&t), 1), CKR_OK);
    EXPECT("C_FindObjects 1 MiB value", CALL("C_FindObjects", session, U(found), 64, U(&count)), CKR_OK);
    CHECK("C_FindObjects 1 MiB value matches nothing", count == 0);
    CALL("C_FindObjectsFinal", session);
    t = (CK_ATTRIBUTE){CKA_CLASS, &cls, 4};
    EXPECT("C_FindObjectsInit CK_ULONG value of the wrong length", CALL("C_FindObjectsInit", session, U(&t), 1), CKR_OK);
    EXPECT("C_FindObjects wrong-length value", CALL("C_FindObjects", session, U(found), 64, U(&count)), CKR_OK);
    CHECK("C_FindObjects wrong-length value matches nothing", count == 0);
    CALL("C_FindObjectsFinal", session);

    /* Random templates: types from the spec, vendor-defined, array attributes and noise; values of
     * random lengths up to 4 KiB. Every template is valid memory, so each must give CKR_OK. */
    static unsigned char value[4096];
    CK_ATTRIBUTE random_template[8];
    int random_failures = 0, random_count = 0;
    for (int round = 0; round < 300; round++) {
        CK_ULONG n = next_random() % 9;
        for (CK_ULONG i = 0; i < n; i++) {
            uint64_t r = next_random();
            CK_ULONG type = (r & 3) == 0 ? (r >> 8) % 0x220 : (r & 3) == 1 ? CKA_VENDOR_DEFINED | (r >> 40)
                : (r & 3) == 2 ? CKA_WRAP_TEMPLATE : (CK_ULONG)(r >> 2);
            CK_ULONG length = next_random() % (r & 16 ? sizeof value : 17);
            for (CK_ULONG j = 0; j < length; j++) value[j] = (unsigned char)next_random();
            random_template[i] = (CK_ATTRIBUTE){type, length ? value : NULL, length};
        }
        CK_RV rv = CALL("C_FindObjectsInit", session, U(n ? random_template : NULL), n);
        CK_RV rv2 = CALL("C_FindObjects", session, U(found), 64, U(&count));
        CK_RV rv3 = CALL("C_FindObjectsFinal", session);
        random_count++;
        if (rv != CKR_OK || rv2 != CKR_OK || rv3 != CKR_OK) {
            random_failures++;
            printf("random template %d: init 0x%lx find 0x%lx final 0x%lx\n", round, rv, rv2, rv3);
        }
    }
    CHECK("300 random templates each give CKR_OK through Init, Find and Final", random_failures == 0 && random_count == 300);
}

static void attribute_cases(CK_ULONG session, CK_ULONG key, CK_ULONG certificate)
{
    unsigned char buffer[4096], id[256], label[256];
    CK_ULONG size = 0;
    CK_ATTRIBUTE t[3];
    EXPECT("C_GetObjectSize unknown object", CALL("C_GetObjectSize", session, 0x7fffbeefUL, U(&size)), CKR_OBJECT_HANDLE_INVALID);
    EXPECT("C_GetObjectSize NULL size", CALL("C_GetObjectSize", session, key, 0), CKR_ARGUMENTS_BAD);
    EXPECT("C_GetObjectSize", CALL("C_GetObjectSize", session, key, U(&size)), CKR_OK);
    t[0] = (CK_ATTRIBUTE){CKA_LABEL, NULL, 0};
    EXPECT("C_GetAttributeValue unknown object", CALL("C_GetAttributeValue", session, 0x7fffbeefUL, U(t), 1), CKR_OBJECT_HANDLE_INVALID);
    EXPECT("C_GetAttributeValue object handle 0", CALL("C_GetAttributeValue", session, 0, U(t), 1), CKR_OBJECT_HANDLE_INVALID);
    EXPECT("C_GetAttributeValue NULL template with a count", CALL("C_GetAttributeValue", session, key, 0, 1), CKR_ARGUMENTS_BAD);
    EXPECT("C_GetAttributeValue empty template", CALL("C_GetAttributeValue", session, key, U(t), 0), CKR_OK);
    t[0] = (CK_ATTRIBUTE){CKA_VALUE, NULL, 12345};
    EXPECT("C_GetAttributeValue size query (NULL pValue)", CALL("C_GetAttributeValue", session, certificate, U(t), 1), CKR_OK);
    CK_ULONG value_length = t[0].ulValueLen;
    CHECK("C_GetAttributeValue size query gives the certificate length", value_length > 100 && value_length < sizeof buffer);

    /* One short buffer among good ones: CKR_BUFFER_TOO_SMALL, CK_UNAVAILABLE_INFORMATION for that
     * attribute only, the others answered (2.40 5.7 C_GetAttributeValue). */
    t[0] = (CK_ATTRIBUTE){CKA_LABEL, NULL, 0};
    t[1] = (CK_ATTRIBUTE){CKA_VALUE, buffer, value_length - 1};
    t[2] = (CK_ATTRIBUTE){CKA_ID, id, sizeof id};
    EXPECT("C_GetAttributeValue one short buffer", CALL("C_GetAttributeValue", session, certificate, U(t), 3), CKR_BUFFER_TOO_SMALL);
    CHECK("short buffer: that attribute reports CK_UNAVAILABLE_INFORMATION", t[1].ulValueLen == CK_UNAVAILABLE_INFORMATION);
    CHECK("short buffer: the size query beside it is answered", t[0].ulValueLen > 0 && t[0].ulValueLen < 256);
    CHECK("short buffer: the attribute beside it is copied", t[2].ulValueLen > 0 && t[2].ulValueLen < sizeof id);
    t[0] = (CK_ATTRIBUTE){CKA_VALUE, buffer, 0};
    EXPECT("C_GetAttributeValue zero-length buffer", CALL("C_GetAttributeValue", session, certificate, U(t), 1), CKR_BUFFER_TOO_SMALL);
    CHECK("zero-length buffer reports CK_UNAVAILABLE_INFORMATION", t[0].ulValueLen == CK_UNAVAILABLE_INFORMATION);
    t[0] = (CK_ATTRIBUTE){CKA_LABEL, label, ~0UL >> 1};
    EXPECT("C_GetAttributeValue huge ulValueLen (only the value is written)", CALL("C_GetAttributeValue", session, certificate, U(t), 1), CKR_OK);
    CHECK("huge ulValueLen is replaced by the value length", t[0].ulValueLen < 256);
    t[0] = (CK_ATTRIBUTE){CKA_VENDOR_DEFINED | 0x42, buffer, 8};
    t[1] = (CK_ATTRIBUTE){CKA_LABEL, label, sizeof label};
    EXPECT("C_GetAttributeValue vendor-defined type", CALL("C_GetAttributeValue", session, key, U(t), 2), CKR_ATTRIBUTE_TYPE_INVALID);
    CHECK("vendor-defined type reports CK_UNAVAILABLE_INFORMATION", t[0].ulValueLen == CK_UNAVAILABLE_INFORMATION);
    CHECK("vendor-defined type: the label beside it is copied", t[1].ulValueLen > 0 && t[1].ulValueLen < sizeof label);
    t[0] = (CK_ATTRIBUTE){CKA_VALUE, buffer, sizeof buffer};
    EXPECT("C_GetAttributeValue private value", CALL("C_GetAttributeValue", session, key, U(t), 1), CKR_ATTRIBUTE_SENSITIVE);
    CHECK("private value reports CK_UNAVAILABLE_INFORMATION", t[0].ulValueLen == CK_UNAVAILABLE_INFORMATION);
    t[0] = (CK_ATTRIBUTE){CKA_EC_POINT, buffer, sizeof buffer};
    EXPECT("C_GetAttributeValue CKA_EC_POINT of a private key (public-key attribute)", CALL("C_GetAttributeValue", session, key, U(t), 1), CKR_ATTRIBUTE_TYPE_INVALID, CKR_OK);

    /* Random attribute types, one at a time: an answer is either a length (CKR_OK) or
     * CK_UNAVAILABLE_INFORMATION with ATTRIBUTE_TYPE_INVALID / ATTRIBUTE_SENSITIVE. */
    int inconsistent = 0;
    for (int round = 0; round < 300; round++) {
        uint64_t r = next_random();
        CK_ULONG type = (r & 1) ? (r >> 8) % 0x220 : (CK_ULONG)r;
        CK_ATTRIBUTE one = {type, NULL, 0};
        CK_RV rv = CALL("C_GetAttributeValue", session, (r & 2) ? key : certificate, U(&one), 1);
        int fits = (rv == CKR_OK && one.ulValueLen != CK_UNAVAILABLE_INFORMATION)
            || ((rv == CKR_ATTRIBUTE_TYPE_INVALID || rv == CKR_ATTRIBUTE_SENSITIVE) && one.ulValueLen == CK_UNAVAILABLE_INFORMATION);
        if (!fits) {
            inconsistent++;
            printf("random attribute 0x%lx: 0x%lx length 0x%lx\n", type, rv, one.ulValueLen);
        }
    }
    CHECK("300 random attribute types answer consistently", inconsistent == 0);

    CK_ATTRIBUTE create[] = {{CKA_LABEL, label, 4}};
    CK_ULONG handle = 0;
    EXPECT("C_CreateObject on a write-protected token", CALL("C_CreateObject", session, U(create), 1, U(&handle)), CKR_SESSION_READ_ONLY);
    EXPECT("C_CopyObject", CALL("C_CopyObject", session, key, U(create), 1, U(&handle)), CKR_SESSION_READ_ONLY);
    EXPECT("C_DestroyObject", CALL("C_DestroyObject", session, key), CKR_SESSION_READ_ONLY);
    EXPECT("C_SetAttributeValue", CALL("C_SetAttributeValue", session, key, U(create), 1), CKR_SESSION_READ_ONLY);
}

static void ec_sign_cases(CK_ULONG session, CK_ULONG key, CK_ULONG public_key, CK_ULONG certificate)
{
    unsigned char data[] = "hostile input", signature[512], digest20[20] = {0};
    CK_ULONG length = sizeof signature;
    CK_MECHANISM ecdsa_sha256 = {CKM_ECDSA_SHA256, NULL, 0}, ecdsa = {CKM_ECDSA, NULL, 0};
    CK_MECHANISM vendor = {CKM_VENDOR_DEFINED | 1, NULL, 0}, rsa = {CKM_RSA_PKCS, NULL, 0};
    CK_MECHANISM null_parameter = {CKM_ECDSA_SHA256, NULL, 16};

    EXPECT("C_Sign without C_SignInit", CALL("C_Sign", session, U(data), 13, U(signature), U(&length)), CKR_OPERATION_NOT_INITIALIZED);
    EXPECT("C_SignUpdate without C_SignInit", CALL("C_SignUpdate", session, U(data), 13), CKR_OPERATION_NOT_INITIALIZED);
    EXPECT("C_SignFinal without C_SignInit", CALL("C_SignFinal", session, U(signature), U(&length)), CKR_OPERATION_NOT_INITIALIZED);
    EXPECT("C_SignInit NULL mechanism", CALL("C_SignInit", session, 0, key), CKR_ARGUMENTS_BAD);
    EXPECT("C_SignInit vendor-defined mechanism", CALL("C_SignInit", session, U(&vendor), key), CKR_MECHANISM_INVALID);
    EXPECT("C_SignInit RSA mechanism with an EC key", CALL("C_SignInit", session, U(&rsa), key), CKR_KEY_TYPE_INCONSISTENT);
    EXPECT("C_SignInit NULL pParameter with a length", CALL("C_SignInit", session, U(&null_parameter), key), CKR_MECHANISM_PARAM_INVALID);
    EXPECT("C_SignInit unknown key handle", CALL("C_SignInit", session, U(&ecdsa_sha256), 0x7fffbeefUL), CKR_KEY_HANDLE_INVALID);
    EXPECT("C_SignInit key handle 0", CALL("C_SignInit", session, U(&ecdsa_sha256), 0), CKR_KEY_HANDLE_INVALID);
    EXPECT("C_SignInit certificate handle (not a key)", CALL("C_SignInit", session, U(&ecdsa_sha256), certificate), CKR_KEY_HANDLE_INVALID);
    EXPECT("C_SignInit public key", CALL("C_SignInit", session, U(&ecdsa_sha256), public_key), CKR_KEY_FUNCTION_NOT_PERMITTED, CKR_KEY_TYPE_INCONSISTENT);
    EXPECT("C_Sign after refused C_SignInits", CALL("C_Sign", session, U(data), 13, U(signature), U(&length)), CKR_OPERATION_NOT_INITIALIZED);

    /* Buffer-size protocol (2.40 5.2): a size query and CKR_BUFFER_TOO_SMALL keep the operation. */
    EXPECT("C_SignInit ECDSA-SHA256", CALL("C_SignInit", session, U(&ecdsa_sha256), key), CKR_OK);
    EXPECT("C_SignInit while signing", CALL("C_SignInit", session, U(&ecdsa_sha256), key), CKR_OPERATION_ACTIVE);
    length = 0;
    EXPECT("C_Sign size query", CALL("C_Sign", session, U(data), 13, 0, U(&length)), CKR_OK);
    CHECK("C_Sign size query gives 64 bytes for P-256", length == 64);
    length = 10;
    EXPECT("C_Sign short buffer", CALL("C_Sign", session, U(data), 13, U(signature), U(&length)), CKR_BUFFER_TOO_SMALL);
    CHECK("C_Sign short buffer reports the size needed", length == 64);
    length = 0;
    EXPECT("C_Sign zero-length buffer", CALL("C_Sign", session, U(data), 13, U(signature), U(&length)), CKR_BUFFER_TOO_SMALL);
    length = sizeof signature;
    EXPECT("C_Sign after CKR_BUFFER_TOO_SMALL", CALL("C_Sign", session, U(data), 13, U(signature), U(&length)), CKR_OK);
    CHECK("C_Sign writes 64 bytes", length == 64);
    EXPECT("C_SignUpdate after C_Sign", CALL("C_SignUpdate", session, U(data), 13), CKR_OPERATION_NOT_INITIALIZED);
    EXPECT("C_Sign after C_Sign", CALL("C_Sign", session, U(data), 13, U(signature), U(&length)), CKR_OPERATION_NOT_INITIALIZED);

    /* Errors other than BUFFER_TOO_SMALL end the operation (2.40 5.2). */
    CALL("C_SignInit", session, U(&ecdsa_sha256), key);
    EXPECT("C_Sign NULL pulSignatureLen", CALL("C_Sign", session, U(data), 13, U(signature), 0), CKR_ARGUMENTS_BAD);
    EXPECT("C_Sign after a C_Sign that failed", CALL("C_Sign", session, U(data), 13, U(signature), U(&length)), CKR_OPERATION_NOT_INITIALIZED);
    CALL("C_SignInit", session, U(&ecdsa_sha256), key);
    EXPECT("C_Sign NULL pData with a length", CALL("C_Sign", session, 0, 13, U(signature), U(&length)), CKR_ARGUMENTS_BAD);
    EXPECT("C_SignFinal after a C_Sign that failed", CALL("C_SignFinal", session, U(signature), U(&length)), CKR_OPERATION_NOT_INITIALIZED);
    CALL("C_SignInit", session, U(&ecdsa_sha256), key);
    EXPECT("C_SignUpdate NULL pPart with a length", CALL("C_SignUpdate", session, 0, 5), CKR_ARGUMENTS_BAD);
    EXPECT("C_SignFinal after a C_SignUpdate that failed", CALL("C_SignFinal", session, U(signature), U(&length)), CKR_OPERATION_NOT_INITIALIZED);

    /* Multi-part. */
    EXPECT("C_SignInit multi-part", CALL("C_SignInit", session, U(&ecdsa_sha256), key), CKR_OK);
    EXPECT("C_SignUpdate empty part", CALL("C_SignUpdate", session, 0, 0), CKR_OK);
    EXPECT("C_SignUpdate", CALL("C_SignUpdate", session, U(data), 13), CKR_OK);
    length = 0;
    EXPECT("C_SignFinal size query", CALL("C_SignFinal", session, 0, U(&length)), CKR_OK);
    length = 63;
    EXPECT("C_SignFinal short buffer", CALL("C_SignFinal", session, U(signature), U(&length)), CKR_BUFFER_TOO_SMALL);
    CHECK("C_SignFinal short buffer reports the size needed", length == 64);
    EXPECT("C_SignFinal NULL pulSignatureLen", CALL("C_SignFinal", session, U(signature), 0), CKR_ARGUMENTS_BAD);
    EXPECT("C_SignFinal after a C_SignFinal that failed", CALL("C_SignFinal", session, U(signature), U(&length)), CKR_OPERATION_NOT_INITIALIZED);
    CALL("C_SignInit", session, U(&ecdsa_sha256), key);
    CALL("C_SignUpdate", session, U(data), 13);
    length = sizeof signature;
    EXPECT("C_Sign after C_SignUpdate", CALL("C_Sign", session, U(data), 13, U(signature), U(&length)), CKR_OPERATION_ACTIVE);

    /* CKM_ECDSA takes a digest, in one part. */
    EXPECT("C_SignInit CKM_ECDSA", CALL("C_SignInit", session, U(&ecdsa), key), CKR_OK);
    EXPECT("C_SignUpdate on single-part CKM_ECDSA", CALL("C_SignUpdate", session, U(data), 13), CKR_FUNCTION_NOT_SUPPORTED);
    CALL("C_SignInit", session, U(&ecdsa), key);
    length = sizeof signature;
    EXPECT("C_Sign CKM_ECDSA with a 20-byte digest", CALL("C_Sign", session, U(digest20), 20, U(signature), U(&length)), CKR_DATA_LEN_RANGE);
    EXPECT("C_Sign after CKR_DATA_LEN_RANGE", CALL("C_Sign", session, U(digest20), 20, U(signature), U(&length)), CKR_OPERATION_NOT_INITIALIZED);

    /* Verification with the local public key. */
    CALL("C_SignInit", session, U(&ecdsa_sha256), key);
    length = sizeof signature;
    EXPECT("C_Sign for verification", CALL("C_Sign", session, U(data), 13, U(signature), U(&length)), CKR_OK);
    EXPECT("C_Verify without C_VerifyInit", CALL("C_Verify", session, U(data), 13, U(signature), length), CKR_OPERATION_NOT_INITIALIZED);
    EXPECT("C_VerifyUpdate without C_VerifyInit", CALL("C_VerifyUpdate", session, U(data), 13), CKR_OPERATION_NOT_INITIALIZED);
    EXPECT("C_VerifyFinal without C_VerifyInit", CALL("C_VerifyFinal", session, U(signature), length), CKR_OPERATION_NOT_INITIALIZED);
    EXPECT("C_VerifyInit NULL mechanism", CALL("C_VerifyInit", session, 0, public_key), CKR_ARGUMENTS_BAD);
    EXPECT("C_VerifyInit private key", CALL("C_VerifyInit", session, U(&ecdsa_sha256), key), CKR_KEY_FUNCTION_NOT_PERMITTED, CKR_KEY_TYPE_INCONSISTENT);
    EXPECT("C_VerifyInit certificate handle (not a key)", CALL("C_VerifyInit", session, U(&ecdsa_sha256), certificate), CKR_KEY_HANDLE_INVALID);
    EXPECT("C_VerifyInit", CALL("C_VerifyInit", session, U(&ecdsa_sha256), public_key), CKR_OK);
    EXPECT("C_Verify NULL signature with a length", CALL("C_Verify", session, U(data), 13, 0, length), CKR_ARGUMENTS_BAD);
    EXPECT("C_Verify after a C_Verify that failed", CALL("C_Verify", session, U(data), 13, U(signature), length), CKR_OPERATION_NOT_INITIALIZED);
    CALL("C_VerifyInit", session, U(&ecdsa_sha256), public_key);
    EXPECT("C_Verify signature of the wrong length", CALL("C_Verify", session, U(data), 13, U(signature), length - 1), CKR_SIGNATURE_LEN_RANGE);
    CALL("C_VerifyInit", session, U(&ecdsa_sha256), public_key);
    signature[5] ^= 1;
    EXPECT("C_Verify altered signature", CALL("C_Verify", session, U(data), 13, U(signature), length), CKR_SIGNATURE_INVALID);
    signature[5] ^= 1;
    CALL("C_VerifyInit", session, U(&ecdsa_sha256), public_key);
    EXPECT("C_Verify the signature the server made", CALL("C_Verify", session, U(data), 13, U(signature), length), CKR_OK);
    CALL("C_VerifyInit", session, U(&ecdsa_sha256), public_key);
    EXPECT("C_VerifyUpdate NULL pPart with a length", CALL("C_VerifyUpdate", session, 0, 3), CKR_ARGUMENTS_BAD);
    EXPECT("C_VerifyFinal after a C_VerifyUpdate that failed", CALL("C_VerifyFinal", session, U(signature), length), CKR_OPERATION_NOT_INITIALIZED);
    EXPECT("C_SignRecoverInit", CALL("C_SignRecoverInit", session, U(&ecdsa), key), CKR_FUNCTION_NOT_SUPPORTED);
    EXPECT("C_VerifyRecoverInit", CALL("C_VerifyRecoverInit", session, U(&ecdsa), public_key), CKR_FUNCTION_NOT_SUPPORTED);
}

static void pss_cases(CK_ULONG session, CK_ULONG key)
{
    unsigned char digest[32] = {1}, signature[1024], info_short[40] = {0x30};
    CK_ULONG length = sizeof signature;
    CK_RSA_PKCS_PSS_PARAMS good = {CKM_SHA256, CKG_MGF1_SHA256, 32}, params;
    CK_MECHANISM pss = {CKM_RSA_PKCS_PSS, &params, sizeof params};
    struct { const char *what; CK_MECHANISM mechanism; CK_RSA_PKCS_PSS_PARAMS params; } bad[] = {
        {"PSS NULL pParameter with the struct length", {CKM_RSA_PKCS_PSS, NULL, sizeof params}, good},
        {"PSS no parameter", {CKM_RSA_PKCS_PSS, NULL, 0}, good},
        {"PSS ulParameterLen 16", {CKM_RSA_PKCS_PSS, &params, 16}, good},
        {"PSS ulParameterLen 0 with a pointer", {CKM_RSA_PKCS_PSS, &params, 0}, good},
        {"PSS ulParameterLen one too long", {CKM_RSA_PKCS_PSS, &params, sizeof params + 1}, good},
        {"PSS unknown hash", {CKM_RSA_PKCS_PSS, &params, sizeof params}, {0xdeadUL, CKG_MGF1_SHA256, 32}},
        {"PSS SHA-1 hash", {CKM_RSA_PKCS_PSS, &params, sizeof params}, {CKM_SHA_1, 1, 20}},
        {"PSS MGF of another hash", {CKM_RSA_PKCS_PSS, &params, sizeof params}, {CKM_SHA256, CKG_MGF1_SHA384, 32}},
        {"PSS unknown MGF", {CKM_RSA_PKCS_PSS, &params, sizeof params}, {CKM_SHA256, ~0UL, 32}},
        {"PSS salt 0", {CKM_RSA_PKCS_PSS, &params, sizeof params}, {CKM_SHA256, CKG_MGF1_SHA256, 0}},
        {"PSS salt ~0", {CKM_RSA_PKCS_PSS, &params, sizeof params}, {CKM_SHA256, CKG_MGF1_SHA256, ~0UL}},
        {"SHA256-RSA-PSS with SHA-384 parameters", {CKM_SHA256_RSA_PKCS_PSS, &params, sizeof params}, {CKM_SHA384, CKG_MGF1_SHA384, 48}},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        params = bad[i].params;
        char what[128];
        snprintf(what, sizeof what, "C_SignInit %s", bad[i].what);
        EXPECT(what, CALL("C_SignInit", session, U(&bad[i].mechanism), key), CKR_MECHANISM_PARAM_INVALID);
    }
    params = good;
    EXPECT("C_SignInit PSS good parameters", CALL("C_SignInit", session, U(&pss), key), CKR_OK);
    EXPECT("C_Sign PSS 31-byte digest", CALL("C_Sign", session, U(digest), 31, U(signature), U(&length)), CKR_DATA_LEN_RANGE);
    CALL("C_SignInit", session, U(&pss), key);
    length = sizeof signature;
    EXPECT("C_Sign PSS", CALL("C_Sign", session, U(digest), 32, U(signature), U(&length)), CKR_OK);
    CHECK("C_Sign PSS writes 256 bytes for RSA-2048", length == 256);
    CK_MECHANISM pkcs = {CKM_RSA_PKCS, NULL, 0};
    CALL("C_SignInit", session, U(&pkcs), key);
    EXPECT("C_Sign CKM_RSA_PKCS with bytes that are no DigestInfo", CALL("C_Sign", session, U(info_short), sizeof info_short, U(signature), U(&length)), CKR_DATA_INVALID);
    CALL("C_SignInit", session, U(&pkcs), key);
    static unsigned char too_long[300];
    EXPECT("C_Sign CKM_RSA_PKCS longer than k-11", CALL("C_Sign", session, U(too_long), sizeof too_long, U(signature), U(&length)), CKR_DATA_LEN_RANGE);
}

static void stale_handle_cases(CK_ULONG ec_slot, CK_ULONG rsa_key)
{
    CK_ULONG session = open_session(ec_slot), other = open_session(ec_slot), length = 64;
    CK_MECHANISM mechanism = {CKM_ECDSA_SHA256, NULL, 0};
    CK_ATTRIBUTE t = {CKA_LABEL, NULL, 0};
    CK_SESSION_INFO info;
    unsigned char signature[64];
    EXPECT("C_SignInit key of another token", CALL("C_SignInit", session, U(&mechanism), rsa_key), CKR_KEY_HANDLE_INVALID);
    EXPECT("C_GetAttributeValue object of another token", CALL("C_GetAttributeValue", session, rsa_key, U(&t), 1), CKR_OBJECT_HANDLE_INVALID);
    CALL("C_CloseSession", session);
    EXPECT("C_GetSessionInfo closed session", CALL("C_GetSessionInfo", session, U(&info)), CKR_SESSION_HANDLE_INVALID);
    EXPECT("C_SignInit closed session", CALL("C_SignInit", session, U(&mechanism), 1), CKR_SESSION_HANDLE_INVALID);
    EXPECT("C_Sign closed session", CALL("C_Sign", session, U("x"), 1, U(signature), U(&length)), CKR_SESSION_HANDLE_INVALID);
    EXPECT("C_FindObjectsInit closed session", CALL("C_FindObjectsInit", session, 0, 0), CKR_SESSION_HANDLE_INVALID);
    EXPECT("C_GetAttributeValue closed session", CALL("C_GetAttributeValue", session, 1, U(&t), 1), CKR_SESSION_HANDLE_INVALID);
    EXPECT("C_Login closed session", CALL("C_Login", session, CKU_USER, 0, 0), CKR_SESSION_HANDLE_INVALID);
    EXPECT("C_CloseAllSessions", CALL("C_CloseAllSessions", ec_slot), CKR_OK);
    EXPECT("C_GetSessionInfo after C_CloseAllSessions", CALL("C_GetSessionInfo", other, U(&info)), CKR_SESSION_HANDLE_INVALID);
    EXPECT("C_CloseSession after C_CloseAllSessions", CALL("C_CloseSession", other), CKR_SESSION_HANDLE_INVALID);
    EXPECT("C_GetSessionInfo handle ~0", CALL("C_GetSessionInfo", ~0UL, U(&info)), CKR_SESSION_HANDLE_INVALID);
}

/* Threads sign on sessions that another thread closes under them: every answer is OK or says the
 * session is gone; nothing crashes or hangs. */
struct race { CK_ULONG slot, key, session; volatile int stop; int bad; };

static void *race_signer(void *argument)
{
    struct race *race = argument;
    CK_MECHANISM mechanism = {CKM_ECDSA_SHA256, NULL, 0};
    unsigned char signature[64];
    while (!race->stop) {
        CK_ULONG length = sizeof signature;
        CK_RV init = CALL("C_SignInit", race->session, U(&mechanism), race->key);
        CK_RV sign = CALL("C_Sign", race->session, U("race"), 4, U(signature), U(&length));
        int init_ok = init == CKR_OK || init == CKR_SESSION_HANDLE_INVALID || init == CKR_SESSION_CLOSED || init == CKR_OPERATION_ACTIVE;
        int sign_ok = sign == CKR_OK || sign == CKR_SESSION_HANDLE_INVALID || sign == CKR_SESSION_CLOSED || sign == CKR_OPERATION_NOT_INITIALIZED;
        if (!init_ok || !sign_ok) {
            __sync_fetch_and_add(&race->bad, 1);
            printf("race: C_SignInit 0x%lx C_Sign 0x%lx\n", init, sign);
        }
        if (init == CKR_SESSION_HANDLE_INVALID) break;
    }
    return NULL;
}

static void race_cases(CK_ULONG ec_slot, CK_ULONG key)
{
    int bad = 0;
    for (int round = 0; round < 8; round++) {
        struct race race = {ec_slot, key, open_session(ec_slot), 0, 0};
        pthread_t threads[3];
        for (int i = 0; i < 3; i++) pthread_create(&threads[i], NULL, race_signer, &race);
        usleep((useconds_t)(next_random() % 20000));
        CK_RV closed = CALL("C_CloseSession", race.session);
        if (closed != CKR_OK) bad++;
        race.stop = 1;
        for (int i = 0; i < 3; i++) pthread_join(threads[i], NULL);
        bad += race.bad;
    }
    CHECK("8 rounds of 3 signing threads racing C_CloseSession: only OK or session-gone answers", bad == 0);
}

int main(int argc, char **argv)
{
    if (argc < 4) { fprintf(stderr, "usage: hostile MODULE EC_LABEL RSA_LABEL [SEED]\n"); return 2; }
    rng_state = argc > 4 ? strtoull(argv[4], NULL, 0) : 0x9E3779B97F4A7C15ULL;
    if (rng_state == 0) rng_state = 1;
    printf("seed 0x%llx\n", (unsigned long long)rng_state);
    alarm(240); /* a hang ends in SIGALRM, which the test reports as a signal */
    void *module = dlopen(argv[1], RTLD_NOW);
    if (!module) { fprintf(stderr, "dlopen: %s\n", dlerror()); return 2; }
    CK_RV (*get_function_list)(void **) = (CK_RV (*)(void **))dlsym(module, "C_GetFunctionList");
    CK_RV (*get_interface)(char *, CK_VERSION *, CK_INTERFACE **, CK_ULONG) =
        (CK_RV (*)(char *, CK_VERSION *, CK_INTERFACE **, CK_ULONG))dlsym(module, "C_GetInterface");
    CK_INTERFACE *interface = NULL;
    CK_VERSION three = {3, 0};
    if (!get_function_list || !get_interface || get_function_list((void **)&v2) != CKR_OK
        || get_interface((char *)"PKCS 11", &three, &interface, 0) != CKR_OK) {
        fprintf(stderr, "the module has no 2.40 or 3.0 function table\n");
        return 2;
    }
    v3 = interface->pFunctionList;
    for (int i = 0; i < V3_COUNT; i++) {
        if (dlsym(module, Names[i]) != (void *)v3->fn[i] || (i < V2_COUNT && v2->fn[i] != v3->fn[i])) {
            fprintf(stderr, "table entry %s does not match its export\n", Names[i]);
            return 2;
        }
    }

    sweep(v2, V2_COUNT, "before C_Initialize 2.40", 0);
    sweep(v3, V3_COUNT, "before C_Initialize 3.0", 0);
    unreadable_reserved_cases();
    interface_cases();
    initialize_cases();
    sweep(v2, V2_COUNT, "initialized 2.40", 1);
    sweep(v3, V3_COUNT, "initialized 3.0", 1);

    CK_ULONG ec_slot = find_slot(argv[2]), rsa_slot = find_slot(argv[3]);
    CHECK("both Signers have a slot", ec_slot != ~0UL && rsa_slot != ~0UL);
    if (ec_slot == ~0UL || rsa_slot == ~0UL) {
        printf("hostile: %d cases, %d mismatches\n", cases, mismatches);
        return 0;
    }
    slot_cases(ec_slot);
    session_cases(ec_slot);
    CK_ULONG ec = open_session(ec_slot), rsa = open_session(rsa_slot);
    find_cases(ec);
    CK_ULONG key = find_one(ec, CKO_PRIVATE_KEY), public_key = find_one(ec, CKO_PUBLIC_KEY);
    CK_ULONG certificate = find_one(ec, CKO_CERTIFICATE), rsa_key = find_one(rsa, CKO_PRIVATE_KEY);
    CHECK("the EC token has a private key, a public key and a certificate", key && public_key && certificate && rsa_key);
    attribute_cases(ec, key, certificate);
    ec_sign_cases(ec, key, public_key, certificate);
    pss_cases(rsa, rsa_key);
    stale_handle_cases(ec_slot, rsa_key);
    race_cases(ec_slot, key);

    EXPECT("C_Finalize", CALL("C_Finalize", 0), CKR_OK);
    sweep(v2, V2_COUNT, "after C_Finalize 2.40", 0);
    sweep(v3, V3_COUNT, "after C_Finalize 3.0", 0);
    EXPECT("C_Initialize again after C_Finalize", CALL("C_Initialize", 0), CKR_OK);
    CK_SESSION_INFO info;
    EXPECT("C_GetSessionInfo session of the previous initialization", CALL("C_GetSessionInfo", rsa, U(&info)), CKR_SESSION_HANDLE_INVALID);
    EXPECT("C_Finalize again", CALL("C_Finalize", 0), CKR_OK);

    printf("hostile: %d cases, %d mismatches\n", cases, mismatches);
    return 0;
}
