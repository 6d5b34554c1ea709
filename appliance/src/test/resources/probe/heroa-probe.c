/*
 * heroa-probe: what an attacker's task tries, built statically into the test image.
 *   heroa-probe escape             try each way out; print "<name>: blocked (<errno>)" or "<name>: ALLOWED"
 *   heroa-probe http SOCKET METHOD PATH TOKEN_FILE [BODY]   one HTTP/1.1 request (Connection: close) over a Unix socket; print the reply
 *   heroa-probe net CHECK...       network checks, one output line each (ADDRESS may be a name from /etc/hosts, "gateway"
 *                                  for the default route's gateway, or "input" for the first line of /run/heroa/input):
 *       "tcp ADDRESS PORT"   connect (2 s), read a line:  "tcp ADDRESS PORT: ok <line>" or "...: refused (<errno>)"
 *       "udp ADDRESS PORT TEXT"  send one datagram:        "udp ADDRESS PORT: sent" or "...: refused (<errno>)"
 *       "dns ADDRESS"        a DNS query to port 53, 1 s:  "dns ADDRESS: answered" or "...: no answer (<errno>)"
 *       "icmp ADDRESS"       an ICMP echo, 1 s:            "icmp ADDRESS: answered" or "...: no answer (<errno>)"
 *       "listen PORT SECONDS" accept TCP on PORT for SECONDS: "listen PORT: <n> connections"
 *   heroa-probe serve PORT...      (lab host, not in a task) answer TCP on each PORT with "heroa-lab PORT", and print each
 *                                  UDP datagram received on it as "udp PORT <text>", IPv4 and IPv6
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
#include <netinet/ip_icmp.h>
#include <netinet/icmp6.h>
#include <arpa/inet.h>
#include <poll.h>
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

/* ---------------------------------------------------------------------------------------------------- network */
static char input_address[128];

/* The default route's gateway, read from /proc/net/route (IPv4). */
static int gateway(char *out, size_t size) {
    FILE *routes = fopen("/proc/net/route", "r");
    if (!routes) return -1;
    char line[256], name[64];
    unsigned destination, gw, flags;
    while (fgets(line, sizeof line, routes)) {
        if (sscanf(line, "%63s %x %x %x", name, &destination, &gw, &flags) == 4 && destination == 0 && gw != 0) {
            struct in_addr address = { gw };
            inet_ntop(AF_INET, &address, out, size);
            fclose(routes);
            return 0;
        }
    }
    fclose(routes);
    return -1;
}

/* A name from /etc/hosts (first match), "gateway", "input", or a literal. */
static const char *lookup(const char *name, char *out, size_t size) {
    struct in6_addr any;
    if (inet_pton(AF_INET, name, &any) == 1 || inet_pton(AF_INET6, name, &any) == 1) return name;
    if (strcmp(name, "gateway") == 0) return gateway(out, size) == 0 ? out : NULL;
    if (strcmp(name, "input") == 0) return input_address[0] ? input_address : NULL;
    FILE *hosts = fopen("/etc/hosts", "r");
    if (!hosts) return NULL;
    char line[512];
    while (fgets(line, sizeof line, hosts)) {
        char address[128], host[256];
        if (line[0] == '#' || sscanf(line, "%127s %255s", address, host) != 2) continue;
        if (strcmp(host, name) == 0) { snprintf(out, size, "%s", address); fclose(hosts); return out; }
    }
    fclose(hosts);
    return NULL;
}

static int endpoint(const char *address, int port, struct sockaddr_storage *storage, socklen_t *length) {
    memset(storage, 0, sizeof *storage);
    struct sockaddr_in *v4 = (struct sockaddr_in *) storage;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *) storage;
    if (inet_pton(AF_INET, address, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET; v4->sin_port = htons(port); *length = sizeof *v4; return AF_INET;
    }
    if (inet_pton(AF_INET6, address, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6; v6->sin6_port = htons(port); *length = sizeof *v6; return AF_INET6;
    }
    return -1;
}

static void check_tcp(const char *label, const char *address, int port) {
    struct sockaddr_storage to; socklen_t length;
    int family = endpoint(address, port, &to, &length);
    if (family < 0) { printf("tcp %s %d: refused (no address)\n", label, port); return; }
    int s = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (s < 0) { printf("tcp %s %d: refused (%s)\n", label, port, strerror(errno)); return; }
    int result = connect(s, (struct sockaddr *) &to, length);
    if (result < 0 && errno == EINPROGRESS) {
        struct pollfd wait = { s, POLLOUT, 0 };
        int ready = poll(&wait, 1, 2000);
        int error = 0; socklen_t size = sizeof error;
        if (ready <= 0) { errno = ETIMEDOUT; result = -1; }
        else { getsockopt(s, SOL_SOCKET, SO_ERROR, &error, &size); errno = error; result = error ? -1 : 0; }
    }
    if (result < 0) { printf("tcp %s %d: refused (%s)\n", label, port, strerror(errno)); close(s); return; }
    char reply[128] = {0};
    struct pollfd wait = { s, POLLIN, 0 };
    if (poll(&wait, 1, 2000) > 0) {
        ssize_t n = read(s, reply, sizeof reply - 1);
        if (n > 0) reply[strcspn(reply, "\r\n")] = 0;
    }
    printf("tcp %s %d: ok %s\n", label, port, reply);
    close(s);
}

static void check_udp(const char *label, const char *address, int port, const char *text) {
    struct sockaddr_storage to; socklen_t length;
    int family = endpoint(address, port, &to, &length);
    int s = family < 0 ? -1 : socket(family, SOCK_DGRAM, 0);
    if (s < 0 || sendto(s, text, strlen(text), 0, (struct sockaddr *) &to, length) < 0) {
        printf("udp %s %d: refused (%s)\n", label, port, family < 0 ? "no address" : strerror(errno));
    } else {
        printf("udp %s %d: sent\n", label, port);
    }
    if (s >= 0) close(s);
}

static void check_dns(const char *label, const char *address) {
    /* A query for "heroa.test" A, as any resolver would send it. */
    static const unsigned char query[] = { 0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,
        5, 'h', 'e', 'r', 'o', 'a', 4, 't', 'e', 's', 't', 0, 0, 1, 0, 1 };
    struct sockaddr_storage to; socklen_t length;
    int family = endpoint(address, 53, &to, &length);
    int s = family < 0 ? -1 : socket(family, SOCK_DGRAM, 0);
    if (s < 0 || sendto(s, query, sizeof query, 0, (struct sockaddr *) &to, length) < 0) {
        printf("dns %s: no answer (%s)\n", label, family < 0 ? "no address" : strerror(errno));
        if (s >= 0) close(s);
        return;
    }
    struct pollfd wait = { s, POLLIN, 0 };
    unsigned char reply[512];
    if (poll(&wait, 1, 1000) > 0 && recv(s, reply, sizeof reply, 0) > 0) printf("dns %s: answered\n", label);
    else printf("dns %s: no answer (%s)\n", label, errno ? strerror(errno) : "timeout");
    close(s);
}

static void check_icmp(const char *label, const char *address) {
    struct sockaddr_storage to; socklen_t length;
    int family = endpoint(address, 0, &to, &length);
    int protocol = family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
    int s = family < 0 ? -1 : socket(family, SOCK_DGRAM, protocol);
    if (s < 0) s = family < 0 ? -1 : socket(family, SOCK_RAW, protocol);
    if (s < 0) { printf("icmp %s: no answer (%s)\n", label, family < 0 ? "no address" : strerror(errno)); return; }
    unsigned char packet[16] = {0};
    packet[0] = family == AF_INET6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
    if (sendto(s, packet, sizeof packet, 0, (struct sockaddr *) &to, length) < 0) {
        printf("icmp %s: no answer (%s)\n", label, strerror(errno)); close(s); return;
    }
    struct pollfd wait = { s, POLLIN, 0 };
    unsigned char reply[256];
    if (poll(&wait, 1, 1000) > 0 && recv(s, reply, sizeof reply, 0) > 0) printf("icmp %s: answered\n", label);
    else printf("icmp %s: no answer (timeout)\n", label);
    close(s);
}

static void check_listen(int port, int seconds) {
    int s = socket(AF_INET6, SOCK_STREAM, 0);
    int off = 0, on = 1;
    setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    struct sockaddr_in6 any = { .sin6_family = AF_INET6, .sin6_port = htons(port), .sin6_addr = IN6ADDR_ANY_INIT };
    if (bind(s, (struct sockaddr *) &any, sizeof any) < 0 || listen(s, 16) < 0) { printf("listen %d: failed (%s)\n", port, strerror(errno)); return; }
    printf("listen %d: listening\n", port); fflush(stdout);
    int connections = 0;
    for (int elapsed = 0; elapsed < seconds * 10; elapsed++) {
        struct pollfd wait = { s, POLLIN, 0 };
        if (poll(&wait, 1, 100) > 0) { int c = accept(s, NULL, NULL); if (c >= 0) { connections++; close(c); } }
    }
    printf("listen %d: %d connections\n", port, connections);
    close(s);
}

static int net(int argc, char **argv) {
    FILE *input = fopen("/run/heroa/input", "r");
    if (input) { if (fgets(input_address, sizeof input_address, input)) input_address[strcspn(input_address, "\r\n")] = 0; fclose(input); }
    for (int i = 2; i < argc; i++) {
        char kind[16] = {0}, target[256] = {0}, text[256] = {0}, resolved[128];
        int port = 0;
        int fields = sscanf(argv[i], "%15s %255s %d %255s", kind, target, &port, text);
        if (strcmp(kind, "listen") == 0) { check_listen(atoi(target), port); fflush(stdout); continue; }
        const char *address = fields >= 2 ? lookup(target, resolved, sizeof resolved) : NULL;
        if (!address) address = "";
        if (strcmp(kind, "tcp") == 0) check_tcp(target, address, port);
        else if (strcmp(kind, "udp") == 0) check_udp(target, address, port, text);
        else if (strcmp(kind, "dns") == 0) check_dns(target, address);
        else if (strcmp(kind, "icmp") == 0) check_icmp(target, address);
        else printf("unknown check: %s\n", argv[i]);
        fflush(stdout);
    }
    return 0;
}

/* The lab host's side: TCP answers and UDP reports on each port, IPv4 and IPv6 (dual-stack sockets). */
static int serve(int argc, char **argv) {
    struct pollfd sockets[64];
    int ports[64], kinds[64], count = 0;
    for (int i = 2; i < argc && count + 2 <= 64; i++) {
        int port = atoi(argv[i]);
        for (int kind = 0; kind < 2; kind++) {
            int s = socket(AF_INET6, kind == 0 ? SOCK_STREAM : SOCK_DGRAM, 0);
            int off = 0, on = 1;
            setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
            setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
            struct sockaddr_in6 any = { .sin6_family = AF_INET6, .sin6_port = htons(port), .sin6_addr = IN6ADDR_ANY_INIT };
            if (bind(s, (struct sockaddr *) &any, sizeof any) < 0) { perror("bind"); return 1; }
            if (kind == 0) listen(s, 64);
            sockets[count] = (struct pollfd) { s, POLLIN, 0 };
            ports[count] = port; kinds[count] = kind; count++;
        }
    }
    printf("serving\n"); fflush(stdout);
    for (;;) {
        if (poll(sockets, count, -1) < 0) return 1;
        for (int i = 0; i < count; i++) {
            if (!(sockets[i].revents & POLLIN)) continue;
            if (kinds[i] == 0) {
                int c = accept(sockets[i].fd, NULL, NULL);
                if (c >= 0) { char line[64]; int n = snprintf(line, sizeof line, "heroa-lab %d\n", ports[i]); write(c, line, n); close(c); }
            } else {
                char text[512] = {0};
                ssize_t n = recv(sockets[i].fd, text, sizeof text - 1, 0);
                if (n >= 0) { text[n] = 0; for (ssize_t k = 0; k < n; k++) if (text[k] < 32 || text[k] > 126) text[k] = '.'; printf("udp %d %s\n", ports[i], text); fflush(stdout); }
            }
        }
    }
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "escape") == 0) return escape();
    if (argc > 1 && strcmp(argv[1], "http") == 0) return http(argc, argv);
    if (argc > 1 && strcmp(argv[1], "net") == 0) return net(argc, argv);
    if (argc > 1 && strcmp(argv[1], "serve") == 0) return serve(argc, argv);
    fprintf(stderr, "usage: heroa-probe escape | http SOCKET METHOD PATH TOKEN_FILE [BODY] | net CHECK... | serve PORT...\n");
    return 2;
}
