#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

typedef unsigned long CK_RV;
typedef CK_RV (*initialize_fn)(void *);
typedef CK_RV (*slot_list_fn)(unsigned char, unsigned long *, unsigned long *);

int main(int argc, char **argv)
{
    void *module = dlopen(argv[1], RTLD_NOW);
    if (!module) { fprintf(stderr, "dlopen: %s\n", dlerror()); return 2; }
    initialize_fn initialize = (initialize_fn)dlsym(module, "C_Initialize");
    slot_list_fn slot_list = (slot_list_fn)dlsym(module, "C_GetSlotList");
    unsigned long count = 0;
    CK_RV rv = initialize(NULL);
    printf("parent C_Initialize 0x%lx\n", rv);
    rv = slot_list(1, NULL, &count);
    printf("parent C_GetSlotList 0x%lx count %lu\n", rv, count);
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        alarm(20);
        count = 0;
        rv = slot_list(1, NULL, &count);
        printf("child C_GetSlotList 0x%lx\n", rv);
        fflush(stdout);
        if (argc > 2) {
            rv = initialize(NULL);
            printf("child C_Initialize 0x%lx\n", rv);
            fflush(stdout);
            rv = slot_list(1, NULL, &count);
            printf("child C_GetSlotList after initialize 0x%lx count %lu\n", rv, count);
            fflush(stdout);
        }
        _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    printf("child exit %d signal %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    rv = slot_list(1, NULL, &count);
    printf("parent again C_GetSlotList 0x%lx count %lu\n", rv, count);
    return 0;
}
