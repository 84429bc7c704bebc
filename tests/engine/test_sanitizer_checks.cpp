// The sanitizer build catches what issue 15 says it must: a float converted to an integer it does
// not fit (UBSan float-cast-overflow, item 16) and a read past a heap block (ASan). Each case runs
// in a forked child, which the sanitizer must end with a report; the parent checks the exit status
// and the report. Skipped in builds without the sanitizers.

#include <QtTest>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace {

struct ChildOutcome {
    bool exitedCleanly = false;
    std::string stderrText;
};

// Runs `body` in a child with its stderr captured; the child exits 0 when `body` returns.
ChildOutcome runInChild(void (*body)())
{
    int pipeFds[2];
    if (pipe(pipeFds) != 0)
        return {};
    std::fflush(nullptr);
    const pid_t pid = fork();
    if (pid == 0) {
        dup2(pipeFds[1], STDERR_FILENO);
        close(pipeFds[0]);
        body();
        _exit(0);
    }
    close(pipeFds[1]);
    ChildOutcome out;
    char buffer[4096];
    ssize_t n;
    while ((n = read(pipeFds[0], buffer, sizeof buffer)) > 0)
        out.stderrText.append(buffer, size_t(n));
    close(pipeFds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    out.exitedCleanly = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    return out;
}

volatile double g_huge = 1e30;
volatile int g_sink = 0;

void convertHugeDouble() { g_sink = int(g_huge); }

void readPastHeapBlock()
{
    int *block = new int[4];
    volatile int index = 4;
    g_sink = block[index];
    delete[] block;
}

} // namespace

class TestSanitizerChecks : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
#ifndef EMBTUNE_SANITIZED
        QSKIP("built without the sanitizers (EMBTUNE_SANITIZE=OFF)");
#endif
    }

    void floatCastOverflowIsReported()
    {
        const ChildOutcome child = runInChild(convertHugeDouble);
        QVERIFY2(!child.exitedCleanly, child.stderrText.c_str());
        QVERIFY2(child.stderrText.find("outside the range of representable values") != std::string::npos,
                 child.stderrText.c_str());
    }

    void heapOverflowIsReported()
    {
        const ChildOutcome child = runInChild(readPastHeapBlock);
        QVERIFY2(!child.exitedCleanly, child.stderrText.c_str());
        QVERIFY2(child.stderrText.find("heap-buffer-overflow") != std::string::npos, child.stderrText.c_str());
    }
};

QTEST_APPLESS_MAIN(TestSanitizerChecks)
#include "test_sanitizer_checks.moc"
