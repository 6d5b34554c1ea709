/*
 * heroa-probe: what an attacker's task tries, built statically into the test image.
 *   heroa-probe escape             try each way out; print "<name>: blocked (<errno>)" or "<name>: ALLOWED"
 *   heroa-probe http SOCKET METHOD PATH TOKEN_FILE [BODY]   one HTTP/1.1 request (Connection: close) over a Unix socket; print the reply
 * It is a test tool, not product code: the appliance never runs it.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <netinet/in.h>
#include <linux/if_ether.h>

static void report(const char *name, int result) {
    if (result < 0) {
        printf("%s: blocked (%s)\n", name, strerror(errno));
    } else {
        printf("%s: ALLOWED\n", name);
    }
    fflush(stdout);
}

static int write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY);
    if (fd < 0) return -1;
    int n = write(fd, text, strlen(text));
    close(fd);
    return n < 0 ? -1 : 0;
}

static int host_fds(void) {
    /* Any descriptor that reaches a file outside the container's own view (a host path, an inherited directory). */
    DIR *dir = opendir("/proc/self/fd");
    if (!dir) return -1;
    struct dirent *entry;
    int leaked = 0;
    char path[300], target[PATH_MAX];
    while ((entry = readdir(dir))) {
        if (entry->d_name[0] == '.') continue;
        snprintf(path, sizeof path, "/proc/self/fd/%s", entry->d_name);
        ssize_t n = readlink(path, target, sizeof target - 1);
        if (n < 0) continue;
        target[n] = 0;
        if (atoi(entry->d_name) == dirfd(dir)) continue;
        if (strncmp(target, "/dev/", 5) == 0 || strncmp(target, "pipe:", 5) == 0 || strncmp(target, "socket:", 7) == 0
            || strncmp(target, "anon_inode:", 11) == 0) continue;
        printf("fd %s -> %s\n", entry->d_name, target);
        leaked++;
    }
    closedir(dir);
    if (leaked) return 0;
    errno = ENOENT;
    return -1;
}

static int escape(void) {
    report("host-fd", host_fds());
    mkdir("/tmp/mnt", 0700);
    report("mount", mount("none", "/tmp/mnt", "tmpfs", 0, NULL));
    report("proc-sys-write", write_file("/proc/sys/kernel/hostname", "pwned"));
    report("sysrq-trigger", write_file("/proc/sysrq-trigger", "h"));
    report("sys-write", write_file("/sys/kernel/uevent_helper", "/tmp/x"));
    report("cgroup-write", write_file("/sys/fs/cgroup/pids/pids.max", "max"));
    report("raw-socket", socket(AF_INET, SOCK_RAW, IPPROTO_ICMP));
    report("packet-socket", socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL)));
    report("inet-socket-connect", ({ int s = socket(AF_INET, SOCK_STREAM, 0); struct sockaddr_in a = {0};
        a.sin_family = AF_INET; a.sin_port = htons(80); a.sin_addr.s_addr = htonl(0xC0000201); /* 192.0.2.1, documentation */
        s < 0 ? -1 : connect(s, (struct sockaddr *) &a, sizeof a); }));
    pid_t child = fork();
    if (child == 0) { pause(); _exit(0); }
    report("ptrace-attach", ptrace(PTRACE_ATTACH, child, NULL, NULL));
    report("ptrace-init", ptrace(PTRACE_ATTACH, 1, NULL, NULL));
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    report("unshare-user", unshare(CLONE_NEWUSER));
    report("unshare-mount", unshare(CLONE_NEWNS));
    report("unshare-net", unshare(CLONE_NEWNET));
    int ns = open("/proc/1/ns/mnt", O_RDONLY);
    report("setns", setns(ns, 0));
    if (ns >= 0) close(ns);
    report("proc-1-root-host", access("/proc/1/root/var/lib/containers", F_OK));
    report("host-etc-shadow", open("/proc/1/root/../../../etc/shadow", O_RDONLY));
    char cwd[PATH_MAX];
    report("cwd-outside", getcwd(cwd, sizeof cwd) && strcmp(cwd, "/") != 0 && strncmp(cwd, "/tmp", 4) != 0 ? 0 : (errno = EPERM, -1));
    report("overwrite-proc-self-exe", open("/proc/self/exe", O_WRONLY));
    report("mknod", mknod("/tmp/null", S_IFCHR | 0666, makedev(1, 3)));
    report("write-rootfs", open("/bin/planted", O_WRONLY | O_CREAT, 0755));
    /* A directory of the image that the task's user owns: only the read-only root stops this one. */
    report("write-rootfs-owned", open("/home/task/planted", O_WRONLY | O_CREAT, 0600));
    /* The task owns /run/heroa: only the read-only mount stops a chmod (and so a planted link). */
    report("chmod-run-heroa", chmod("/run/heroa", 0700));
    /* In a private PID namespace, PID 1 is this very program. */
    char init[64] = {0};
    int cmdline = open("/proc/1/cmdline", O_RDONLY);
    if (cmdline >= 0) { if (read(cmdline, init, sizeof init - 1) < 0) init[0] = 0; close(cmdline); }
    report("host-pid-1", strcmp(init, "/bin/heroa-probe") == 0 ? (errno = ESRCH, -1) : 0);
    report("setuid-root", setuid(0));
    report("chroot", chroot("/tmp"));
    report("write-run-heroa", open("/run/heroa/planted", O_WRONLY | O_CREAT, 0600));
    return 0;
}

static int http(int argc, char **argv) {
    if (argc < 6) return 2;
    char token[512] = {0};
    int tf = open(argv[5], O_RDONLY);
    if (tf < 0) { perror("token"); return 1; }
    int tn = read(tf, token, sizeof token - 1);
    close(tf);
    if (tn < 0) return 1;
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un address = {0};
    address.sun_family = AF_UNIX;
    strncpy(address.sun_path, argv[2], sizeof address.sun_path - 1);
    if (connect(s, (struct sockaddr *) &address, sizeof address) < 0) { printf("connect: %s\n", strerror(errno)); return 1; }
    const char *body = argc > 6 ? argv[6] : "";
    char request[4096];
    int n = snprintf(request, sizeof request,
        "%s %s HTTP/1.1\r\nHost: heroa\r\nConnection: close\r\nAuthorization: Bearer %s\r\nContent-Type: application/octet-stream\r\nContent-Length: %zu\r\n\r\n%s",
        argv[3], argv[4], token, strlen(body), body);
    if (write(s, request, n) != n) return 1;
    shutdown(s, SHUT_WR);
    char reply[8192];
    ssize_t r;
    while ((r = read(s, reply, sizeof reply)) > 0) fwrite(reply, 1, r, stdout);
    putchar('\n');
    close(s);
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "escape") == 0) return escape();
    if (argc > 1 && strcmp(argv[1], "http") == 0) return http(argc, argv);
    fprintf(stderr, "usage: heroa-probe escape | http SOCKET METHOD PATH TOKEN_FILE [BODY]\n");
    return 2;
}
