/*
 * Drives codesign-ksp's NCRYPT_KEY_STORAGE_FUNCTION_TABLE exactly as ncrypt.dll does: loads the
 * library, calls GetKeyStorageInterface and then only the table, with Windows types (DWORD and
 * SECURITY_STATUS 32-bit, handles ULONG_PTR, strings UTF-16 as uint16_t). The layouts are those
 * of ncrypt_provider.h / ncrypt.h / bcrypt.h of the Windows SDK (CNG Provider Development Kit).
 *
 *   ksp_driver LIB enum
 *   ksp_driver LIB props KEY CERT_OUT
 *   ksp_driver LIB sign KEY pkcs1|pss|ecdsa HASH_ALG HASH_FILE SIG_OUT [pause]
 *   ksp_driver LIB errors RSA_KEY EC_KEY
 *
 * Every call prints "<case> 0x%08X ..." with the SECURITY_STATUS it returned; the xunit test
 * (KspDriverTests) holds the expected NTE_* code of each case.
 */
#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int32_t SECURITY_STATUS;
typedef int32_t NTSTATUS;
typedef uint32_t DWORD;
typedef uintptr_t ULONG_PTR;
typedef ULONG_PTR NCRYPT_PROV_HANDLE;
typedef ULONG_PTR NCRYPT_KEY_HANDLE;
typedef ULONG_PTR NCRYPT_SECRET_HANDLE;
typedef uint16_t WCHAR;
typedef const WCHAR *LPCWSTR;
typedef WCHAR *LPWSTR;
typedef uint8_t BYTE, *PBYTE;
typedef void *HANDLE;
typedef struct NCryptBufferDesc NCryptBufferDesc;

typedef struct { uint16_t MajorVersion; uint16_t MinorVersion; } BCRYPT_INTERFACE_VERSION;
typedef struct { LPWSTR pszName; LPWSTR pszAlgid; DWORD dwLegacyKeySpec; DWORD dwFlags; } NCryptKeyName;
typedef struct { LPCWSTR pszAlgId; } BCRYPT_PKCS1_PADDING_INFO;
typedef struct { LPCWSTR pszAlgId; DWORD cbSalt; } BCRYPT_PSS_PADDING_INFO;

typedef struct {
    BCRYPT_INTERFACE_VERSION Version;
    SECURITY_STATUS (*OpenProvider)(NCRYPT_PROV_HANDLE *, LPCWSTR, DWORD);
    SECURITY_STATUS (*OpenKey)(NCRYPT_PROV_HANDLE, NCRYPT_KEY_HANDLE *, LPCWSTR, DWORD, DWORD);
    SECURITY_STATUS (*CreatePersistedKey)(NCRYPT_PROV_HANDLE, NCRYPT_KEY_HANDLE *, LPCWSTR, LPCWSTR, DWORD, DWORD);
    SECURITY_STATUS (*GetProviderProperty)(NCRYPT_PROV_HANDLE, LPCWSTR, PBYTE, DWORD, DWORD *, DWORD);
    SECURITY_STATUS (*GetKeyProperty)(NCRYPT_PROV_HANDLE, NCRYPT_KEY_HANDLE, LPCWSTR, PBYTE, DWORD, DWORD *, DWORD);
    SECURITY_STATUS (*SetProviderProperty)(NCRYPT_PROV_HANDLE, LPCWSTR, PBYTE, DWORD, DWORD);
    SECURITY_STATUS (*SetKeyProperty)(NCRYPT_PROV_HANDLE, NCRYPT_KEY_HANDLE, LPCWSTR, PBYTE, DWORD, DWORD);
    SECURITY_STATUS (*FinalizeKey)(NCRYPT_PROV_HANDLE, NCRYPT_KEY_HANDLE, DWORD);
    SECURITY_STATUS (*DeleteKey)(NCRYPT_PROV_HANDLE, NCRYPT_KEY_HANDLE, DWORD);
    SECURITY_STATUS (*FreeProvider)(NCRYPT_PROV_HANDLE);
    SECURITY_STATUS (*FreeKey)(NCRYPT_PROV_HANDLE, NCRYPT_KEY_HANDLE);
    SECURITY_STATUS (*FreeBuffer)(void *);
    SECURITY_STATUS (*Encrypt)(NCRYPT_PROV_HANDLE, NCRYPT_KEY_HANDLE, PBYTE, DWORD, void *, PBYTE, DWORD, DWORD *, DWORD);
    SECURITY_STATUS (*Decrypt)(NCRYPT_PROV_HANDLE, NCRYPT_KEY_HANDLE, PBYTE, DWORD, void *, PBYTE, DWORD, DWORD *, DWORD);
    SECURITY_STATUS (*IsAlgSupported)(NCRYPT_PROV_HANDLE, LPCWSTR, DWORD);
    SECURITY_STATUS (*EnumAlgorithms)(NCRYPT_PROV_HANDLE, DWORD, DWORD *, void **, DWORD);
    SECURITY_STATUS (*EnumKeys)(NCRYPT_PROV_HANDLE, LPCWSTR, NCryptKeyName **, void **, DWORD);
    SECURITY_STATUS (*ImportKey)(NCRYPT_PROV_HANDLE, NCRYPT_KEY_HANDLE, LPCWSTR, NCryptBufferDesc *, NCRYPT_KEY_HANDLE *, PBYTE, DWORD, DWORD);
    SECURITY_STATUS (*ExportKey)(NCRYPT_PROV_HANDLE, NCRYPT_KEY_HANDLE, NCRYPT_KEY_HANDLE, LPCWSTR, NCryptBufferDesc *, PBYTE, DWORD, DWORD *, DWORD);
    SECURITY_STATUS (*SignHash)(NCRYPT_PROV_HANDLE, NCRYPT_KEY_HANDLE, void *, PBYTE, DWORD, PBYTE, DWORD, DWORD *, DWORD);
    SECURITY_STATUS (*VerifySignature)(NCRYPT_PROV_HANDLE, NCRYPT_KEY_HANDLE, void *, PBYTE, DWORD, PBYTE, DWORD, DWORD);
    SECURITY_STATUS (*PromptUser)(NCRYPT_PROV_HANDLE, NCRYPT_KEY_HANDLE, LPCWSTR, DWORD);
    SECURITY_STATUS (*NotifyChangeKey)(NCRYPT_PROV_HANDLE, HANDLE *, DWORD);
    SECURITY_STATUS (*SecretAgreement)(NCRYPT_PROV_HANDLE, NCRYPT_KEY_HANDLE, NCRYPT_KEY_HANDLE, NCRYPT_SECRET_HANDLE *, DWORD);
    SECURITY_STATUS (*DeriveKey)(NCRYPT_PROV_HANDLE, NCRYPT_SECRET_HANDLE, LPCWSTR, NCryptBufferDesc *, PBYTE, DWORD, DWORD *, DWORD);
    SECURITY_STATUS (*FreeSecret)(NCRYPT_PROV_HANDLE, NCRYPT_SECRET_HANDLE);
    SECURITY_STATUS (*KeyDerivation)(NCRYPT_PROV_HANDLE, NCRYPT_KEY_HANDLE, NCryptBufferDesc *, PBYTE, DWORD, DWORD *, DWORD);
    SECURITY_STATUS (*CreateClaim)(NCRYPT_PROV_HANDLE, NCRYPT_KEY_HANDLE, NCRYPT_KEY_HANDLE, DWORD, NCryptBufferDesc *, PBYTE, DWORD, DWORD *, DWORD);
    SECURITY_STATUS (*VerifyClaim)(NCRYPT_PROV_HANDLE, NCRYPT_KEY_HANDLE, NCRYPT_KEY_HANDLE, DWORD, NCryptBufferDesc *, PBYTE, DWORD, NCryptBufferDesc *, DWORD);
} NCRYPT_KEY_STORAGE_FUNCTION_TABLE;

typedef NTSTATUS (*GetKeyStorageInterfaceFn)(LPCWSTR, NCRYPT_KEY_STORAGE_FUNCTION_TABLE **, DWORD);

_Static_assert(sizeof(DWORD) == 4 && sizeof(SECURITY_STATUS) == 4 && sizeof(NCRYPT_PROV_HANDLE) == 8, "Windows x64 type sizes");
_Static_assert(offsetof(NCRYPT_KEY_STORAGE_FUNCTION_TABLE, OpenProvider) == 8, "the version is padded to 8 bytes");
_Static_assert(offsetof(NCRYPT_KEY_STORAGE_FUNCTION_TABLE, VerifyClaim) == 232 && sizeof(NCRYPT_KEY_STORAGE_FUNCTION_TABLE) == 240, "29 functions");
_Static_assert(sizeof(NCryptKeyName) == 24 && sizeof(BCRYPT_PSS_PADDING_INFO) == 16, "ncrypt.h / bcrypt.h layouts");

#define NCRYPT_SILENT_FLAG 0x40
#define BCRYPT_PAD_NONE 0x1
#define BCRYPT_PAD_PKCS1 0x2
#define BCRYPT_PAD_PSS 0x8
#define PROVIDER_NAME "CodeSigning Key Storage Provider"

static NCRYPT_KEY_STORAGE_FUNCTION_TABLE *t;

/* An ASCII string as UTF-16 (never freed: the process is short). */
static LPCWSTR W(const char *ascii)
{
    size_t n = strlen(ascii);
    WCHAR *w = calloc(n + 1, sizeof(WCHAR));
    for (size_t i = 0; i < n; i++) w[i] = (WCHAR)(unsigned char)ascii[i];
    return w;
}

/* UTF-16 to ASCII for printing; non-ASCII as '?'. */
static void print_wide(const WCHAR *w, size_t max)
{
    for (size_t i = 0; i < max && w[i]; i++) putchar(w[i] < 0x80 ? (int)w[i] : '?');
}

static void report(const char *name, SECURITY_STATUS status)
{
    printf("%s 0x%08X\n", name, (uint32_t)status);
    fflush(stdout);
}

static NCRYPT_PROV_HANDLE open_provider(void)
{
    NCRYPT_PROV_HANDLE provider = 0;
    SECURITY_STATUS status = t->OpenProvider(&provider, W(PROVIDER_NAME), 0);
    report("open-provider", status);
    if (status != 0) exit(3);
    return provider;
}

static NCRYPT_KEY_HANDLE open_key(NCRYPT_PROV_HANDLE provider, const char *name)
{
    NCRYPT_KEY_HANDLE key = 0;
    SECURITY_STATUS status = t->OpenKey(provider, &key, W(name), 0, NCRYPT_SILENT_FLAG);
    report("open-key", status);
    if (status != 0) exit(4);
    return key;
}

static int cmd_enum(void)
{
    NCRYPT_PROV_HANDLE provider = open_provider();
    void *state = NULL;
    NCryptKeyName *name = NULL;
    SECURITY_STATUS status;
    while ((status = t->EnumKeys(provider, NULL, &name, &state, 0)) == 0) {
        printf("key ");
        print_wide(name->pszName, 256);
        printf("|");
        print_wide(name->pszAlgid, 64);
        printf("|%u|%u\n", name->dwLegacyKeySpec, name->dwFlags);
        report("free-name", t->FreeBuffer(name));
    }
    report("enum-end", status);
    report("free-state", t->FreeBuffer(state));
    report("free-state-again", t->FreeBuffer(state));
    report("free-provider", t->FreeProvider(provider));
    return 0;
}

/*
 * One property the way callers read it: a size query (NULL output), a buffer one byte too small
 * (NTE_BUFFER_TOO_SMALL, size still reported, buffer untouched), then the exact size.
 * Prints "prop|NAME|query|size|small|small-size|untouched|status|value".
 */
static void property(NCRYPT_PROV_HANDLE provider, NCRYPT_KEY_HANDLE key, const char *name, const char *kind, const char *file)
{
    DWORD size = 0, small_size = 0, final_size = 0;
    LPCWSTR wname = W(name);
    SECURITY_STATUS query = key ? t->GetKeyProperty(provider, key, wname, NULL, 0, &size, 0)
                                : t->GetProviderProperty(provider, wname, NULL, 0, &size, 0);
    SECURITY_STATUS small = -1, status = -1;
    int untouched = 1;
    BYTE *buffer = calloc(size + 1, 1);
    if (query == 0 && size > 0) {
        memset(buffer, 0xAA, size + 1);
        small = key ? t->GetKeyProperty(provider, key, wname, buffer, size - 1, &small_size, 0)
                    : t->GetProviderProperty(provider, wname, buffer, size - 1, &small_size, 0);
        for (DWORD i = 0; i <= size; i++) untouched &= buffer[i] == 0xAA;
        status = key ? t->GetKeyProperty(provider, key, wname, buffer, size, &final_size, NCRYPT_SILENT_FLAG)
                     : t->GetProviderProperty(provider, wname, buffer, size, &final_size, 0);
    }
    printf("%s|%s|0x%08X|%u|0x%08X|%u|%d|0x%08X|", key ? "prop" : "provider-prop", name, (uint32_t)query, size, (uint32_t)small, small_size,
        untouched, (uint32_t)status);
    if (status == 0 && strcmp(kind, "dword") == 0 && final_size == 4) {
        DWORD value;
        memcpy(&value, buffer, 4);
        printf("%u", value);
    } else if (status == 0 && strcmp(kind, "string") == 0) {
        print_wide((const WCHAR *)buffer, final_size / 2);
    } else if (status == 0 && file != NULL) {
        FILE *out = fopen(file, "wb");
        fwrite(buffer, 1, final_size, out);
        fclose(out);
        printf("%u bytes", final_size);
    }
    printf("\n");
    fflush(stdout);
    free(buffer);
}

static int cmd_props(const char *key_name, const char *cert_file)
{
    NCRYPT_PROV_HANDLE provider = open_provider();
    property(provider, 0, "Name", "string", NULL);
    property(provider, 0, "Impl Type", "dword", NULL);
    property(provider, 0, "Version", "dword", NULL);
    NCRYPT_KEY_HANDLE key = open_key(provider, key_name);
    property(provider, key, "Name", "string", NULL);
    property(provider, key, "Unique Name", "string", NULL);
    property(provider, key, "Algorithm Group", "string", NULL);
    property(provider, key, "Algorithm Name", "string", NULL);
    property(provider, key, "Length", "dword", NULL);
    property(provider, key, "Key Usage", "dword", NULL);
    property(provider, key, "Export Policy", "dword", NULL);
    property(provider, key, "Impl Type", "dword", NULL);
    property(provider, key, "Key Type", "dword", NULL);
    property(provider, key, "ECCCurveName", "string", NULL);
    property(provider, key, "SmartCardKeyCertificate", "bytes", cert_file);

    /* The public blob, as certutil and CryptAcquireCertificatePrivateKey compare it with the certificate. */
    DWORD size = 0;
    SECURITY_STATUS status = t->ExportKey(provider, key, 0, W("PUBLICBLOB"), NULL, NULL, 0, &size, 0);
    BYTE *blob = calloc(size ? size : 1, 1);
    if (status == 0) status = t->ExportKey(provider, key, 0, W("PUBLICBLOB"), NULL, blob, size, &size, 0);
    printf("public-blob 0x%08X ", (uint32_t)status);
    for (DWORD i = 0; status == 0 && i < size; i++) printf("%02x", blob[i]);
    printf("\n");
    free(blob);
    report("free-key", t->FreeKey(provider, key));
    report("free-provider", t->FreeProvider(provider));
    return 0;
}

static int cmd_sign(const char *key_name, const char *padding, const char *hash_alg, const char *hash_file, const char *sig_file, int pause)
{
    BYTE hash[128];
    FILE *in = fopen(hash_file, "rb");
    if (!in) return 2;
    DWORD hash_len = (DWORD)fread(hash, 1, sizeof hash, in);
    fclose(in);

    NCRYPT_PROV_HANDLE provider = open_provider();
    NCRYPT_KEY_HANDLE key = open_key(provider, key_name);
    BCRYPT_PKCS1_PADDING_INFO pkcs1 = { W(hash_alg) };
    BCRYPT_PSS_PADDING_INFO pss = { W(hash_alg), hash_len };
    void *info = NULL;
    DWORD flags = 0;
    if (strcmp(padding, "pkcs1") == 0) { info = &pkcs1; flags = BCRYPT_PAD_PKCS1; }
    else if (strcmp(padding, "pss") == 0) { info = &pss; flags = BCRYPT_PAD_PSS; }

    DWORD size = 0, small_size = 0;
    SECURITY_STATUS status = t->SignHash(provider, key, info, hash, hash_len, NULL, 0, &size, flags);
    printf("sign-size 0x%08X %u\n", (uint32_t)status, size);
    BYTE *signature = calloc(size + 1, 1);
    status = t->SignHash(provider, key, info, hash, hash_len, signature, size - 1, &small_size, flags);
    printf("sign-small 0x%08X %u\n", (uint32_t)status, small_size);
    if (pause) {
        /* The test changes the world here (stops the server) and says when to go on. */
        printf("ready\n");
        fflush(stdout);
        char line[16];
        if (!fgets(line, sizeof line, stdin)) return 5;
    }

    DWORD length = 0;
    status = t->SignHash(provider, key, info, hash, hash_len, signature, size, &length, flags);
    printf("sign 0x%08X %u\n", (uint32_t)status, length);
    if (status == 0) {
        FILE *out = fopen(sig_file, "wb");
        fwrite(signature, 1, length, out);
        fclose(out);
    }

    free(signature);
    report("free-key", t->FreeKey(provider, key));
    report("free-provider", t->FreeProvider(provider));
    return 0;
}

static SECURITY_STATUS sign_with(NCRYPT_PROV_HANDLE provider, NCRYPT_KEY_HANDLE key, void *info, DWORD hash_len, DWORD flags)
{
    BYTE hash[64] = { 1, 2, 3 }, signature[512];
    DWORD length = 0;
    return t->SignHash(provider, key, info, hash, hash_len, signature, sizeof signature, &length, flags);
}

static int cmd_errors(GetKeyStorageInterfaceFn get, const char *rsa_name, const char *ec_name)
{
    report("interface-null", (SECURITY_STATUS)get(W(PROVIDER_NAME), NULL, 0));
    NCRYPT_PROV_HANDLE provider = 0, other = 0, bad = 0x7FFFFFF1;
    report("provider-null-handle", t->OpenProvider(NULL, W(PROVIDER_NAME), 0));
    report("provider-bad-flags", t->OpenProvider(&other, W(PROVIDER_NAME), 0x1));
    provider = open_provider();
    report("open-provider-2", t->OpenProvider(&other, W(PROVIDER_NAME), NCRYPT_SILENT_FLAG));

    NCRYPT_KEY_HANDLE rsa = 0, ec = 0, key = 0;
    report("open-unknown", t->OpenKey(provider, &key, W("no-such-signer"), 0, 0));
    report("open-control-characters", t->OpenKey(provider, &key, W("forged\nINJECTED line"), 0, 0));
    report("open-bad-flags", t->OpenKey(provider, &key, W(rsa_name), 0, 0x1000));
    report("open-bad-keyspec", t->OpenKey(provider, &key, W(rsa_name), 7, 0));
    report("open-null-name", t->OpenKey(provider, &key, NULL, 0, 0));
    report("open-null-handle", t->OpenKey(provider, NULL, W(rsa_name), 0, 0));
    report("open-bad-provider", t->OpenKey(bad, &key, W(rsa_name), 0, 0));
    report("open-rsa", t->OpenKey(provider, &rsa, W(rsa_name), 2, 0));
    report("open-ec", t->OpenKey(provider, &ec, W(ec_name), 0, NCRYPT_SILENT_FLAG));

    BYTE buffer[64];
    DWORD size = 0;
    report("prop-unknown", t->GetKeyProperty(provider, rsa, W("No Such Property"), buffer, sizeof buffer, &size, 0));
    report("prop-null-size", t->GetKeyProperty(provider, rsa, W("Length"), buffer, sizeof buffer, NULL, 0));
    report("prop-null-name", t->GetKeyProperty(provider, rsa, NULL, buffer, sizeof buffer, &size, 0));
    report("prop-bad-flags", t->GetKeyProperty(provider, rsa, W("Length"), buffer, sizeof buffer, &size, 0x10000));
    report("prop-bad-key", t->GetKeyProperty(provider, 0x7FFFFFF2, W("Length"), buffer, sizeof buffer, &size, 0));
    report("prop-key-of-other-provider", t->GetKeyProperty(other, rsa, W("Length"), buffer, sizeof buffer, &size, 0));
    report("prop-curve-of-rsa", t->GetKeyProperty(provider, rsa, W("ECCCurveName"), buffer, sizeof buffer, &size, 0));
    report("provider-prop-unknown", t->GetProviderProperty(provider, W("No Such Property"), buffer, sizeof buffer, &size, 0));

    BCRYPT_PKCS1_PADDING_INFO sha256 = { W("SHA256") }, sha1 = { W("SHA1") }, raw = { NULL };
    BCRYPT_PSS_PADDING_INFO pss_salt20 = { W("SHA256"), 20 };
    report("sign-rsa-no-padding-flag", sign_with(provider, rsa, &sha256, 32, 0));
    report("sign-rsa-null-padding-info", sign_with(provider, rsa, NULL, 32, BCRYPT_PAD_PKCS1));
    report("sign-rsa-pad-none", sign_with(provider, rsa, NULL, 32, BCRYPT_PAD_NONE));
    report("sign-rsa-both-paddings", sign_with(provider, rsa, &pss_salt20, 32, BCRYPT_PAD_PKCS1 | BCRYPT_PAD_PSS));
    report("sign-rsa-sha1", sign_with(provider, rsa, &sha1, 20, BCRYPT_PAD_PKCS1));
    report("sign-rsa-raw-pkcs1", sign_with(provider, rsa, &raw, 51, BCRYPT_PAD_PKCS1));
    report("sign-rsa-wrong-length", sign_with(provider, rsa, &sha256, 31, BCRYPT_PAD_PKCS1));
    report("sign-rsa-pss-salt-20", sign_with(provider, rsa, &pss_salt20, 32, BCRYPT_PAD_PSS));
    report("sign-bad-flags", sign_with(provider, rsa, &sha256, 32, BCRYPT_PAD_PKCS1 | 0x10000));
    report("sign-ec-padding-flag", sign_with(provider, ec, &sha256, 32, BCRYPT_PAD_PKCS1));
    report("sign-ec-20-bytes", sign_with(provider, ec, NULL, 20, 0));
    report("sign-ec-empty-hash", sign_with(provider, ec, NULL, 0, 0));
    report("sign-bad-key", sign_with(provider, 0x7FFFFFF3, &sha256, 32, BCRYPT_PAD_PKCS1));
    BYTE signature[512];
    report("sign-null-result", t->SignHash(provider, ec, NULL, buffer, 32, signature, sizeof signature, NULL, 0));
    report("sign-null-hash", t->SignHash(provider, ec, NULL, NULL, 32, signature, sizeof signature, &size, 0));

    report("export-private", t->ExportKey(provider, rsa, 0, W("RSAPRIVATEBLOB"), NULL, NULL, 0, &size, 0));
    report("export-pkcs8", t->ExportKey(provider, ec, 0, W("PKCS8_PRIVATEKEY"), NULL, NULL, 0, &size, 0));
    report("export-ecc-blob-of-rsa", t->ExportKey(provider, rsa, 0, W("ECCPUBLICBLOB"), NULL, NULL, 0, &size, 0));
    report("export-rsa-public", t->ExportKey(provider, rsa, 0, W("RSAPUBLICBLOB"), NULL, NULL, 0, &size, 0));
    report("is-alg-rsa", t->IsAlgSupported(provider, W("RSA"), 0));
    report("is-alg-aes", t->IsAlgSupported(provider, W("AES"), 0));

    NCRYPT_KEY_HANDLE created = 0;
    NCRYPT_SECRET_HANDLE secret = 0;
    DWORD count = 0;
    void *list = NULL;
    HANDLE event = NULL;
    report("create-persisted-key", t->CreatePersistedKey(provider, &created, W("RSA"), W("new-key"), 0, 0));
    report("set-provider-property", t->SetProviderProperty(provider, W("Name"), buffer, 4, 0));
    report("set-key-property", t->SetKeyProperty(provider, rsa, W("Export Policy"), buffer, 4, 0));
    report("finalize-key", t->FinalizeKey(provider, rsa, 0));
    report("delete-key", t->DeleteKey(provider, rsa, 0));
    report("encrypt", t->Encrypt(provider, rsa, buffer, 16, NULL, signature, sizeof signature, &size, BCRYPT_PAD_PKCS1));
    report("decrypt", t->Decrypt(provider, rsa, buffer, 16, NULL, signature, sizeof signature, &size, BCRYPT_PAD_PKCS1));
    report("enum-algorithms", t->EnumAlgorithms(provider, 0, &count, &list, 0));
    report("import-key", t->ImportKey(provider, 0, W("RSAPUBLICBLOB"), NULL, &created, buffer, sizeof buffer, 0));
    report("verify-signature", t->VerifySignature(provider, rsa, &sha256, buffer, 32, signature, 256, BCRYPT_PAD_PKCS1));
    report("prompt-user", t->PromptUser(provider, rsa, W("sign"), 0));
    report("notify-change-key", t->NotifyChangeKey(provider, &event, 0));
    report("secret-agreement", t->SecretAgreement(provider, ec, ec, &secret, 0));
    report("derive-key", t->DeriveKey(provider, 1, W("HASH"), NULL, buffer, sizeof buffer, &size, 0));
    report("free-secret", t->FreeSecret(provider, 1));
    report("key-derivation", t->KeyDerivation(provider, rsa, NULL, buffer, sizeof buffer, &size, 0));
    report("create-claim", t->CreateClaim(provider, rsa, 0, 1, NULL, buffer, sizeof buffer, &size, 0));
    report("verify-claim", t->VerifyClaim(provider, rsa, 0, 1, NULL, buffer, sizeof buffer, NULL, 0));
    report("decrypt-bad-provider", t->Decrypt(bad, rsa, buffer, 16, NULL, signature, sizeof signature, &size, BCRYPT_PAD_PKCS1));

    void *state = buffer;
    NCryptKeyName *name = NULL;
    report("enum-foreign-state", t->EnumKeys(provider, NULL, &name, &state, 0));
    state = NULL;
    report("enum-bad-flags", t->EnumKeys(provider, NULL, &name, &state, 0x1));
    report("enum-null-name", t->EnumKeys(provider, NULL, NULL, &state, 0));
    report("free-buffer-foreign", t->FreeBuffer(buffer));
    report("free-buffer-null", t->FreeBuffer(NULL));

    report("free-key", t->FreeKey(provider, rsa));
    report("free-key-again", t->FreeKey(provider, rsa));
    report("free-key-other-provider", t->FreeKey(other, ec));
    report("free-provider", t->FreeProvider(provider));
    report("use-key-after-free-provider", t->GetKeyProperty(provider, ec, W("Length"), buffer, sizeof buffer, &size, 0));
    report("free-provider-again", t->FreeProvider(provider));
    report("free-other-provider", t->FreeProvider(other));
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: ksp_driver LIB enum|props|sign|errors ...\n");
        return 2;
    }

    void *library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return 2;
    }

    GetKeyStorageInterfaceFn get = (GetKeyStorageInterfaceFn)dlsym(library, "GetKeyStorageInterface");
    if (!get) return 2;
    NTSTATUS status = get(W(PROVIDER_NAME), &t, 0);
    printf("interface 0x%08X %u.%u\n", (uint32_t)status, t->Version.MajorVersion, t->Version.MinorVersion);
    if (status != 0) return 3;

    const char *command = argv[2];
    if (strcmp(command, "enum") == 0) return cmd_enum();
    if (strcmp(command, "props") == 0 && argc == 5) return cmd_props(argv[3], argv[4]);
    if (strcmp(command, "sign") == 0 && argc >= 8) return cmd_sign(argv[3], argv[4], argv[5], argv[6], argv[7], argc > 8);
    if (strcmp(command, "errors") == 0 && argc == 5) return cmd_errors(get, argv[3], argv[4]);
    fprintf(stderr, "ksp_driver: bad arguments\n");
    return 2;
}
