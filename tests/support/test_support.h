#pragma once
// Small helpers for tests: where the built binaries are, and running them.
#include <QString>
#include <QStringList>

namespace tidemark::test {

/// Directory holding tidemark-cli and the other built executables.
QString binDir();
/// Path of a built executable by name.
QString binary(const QString &name);

struct ProcessResult {
    int exitCode = -1;
    bool crashed = false;   ///< ended by a signal (e.g. a crash point's SIGKILL)
    QString out;
    QString err;
};

/// Runs a program to completion (timeout in ms) with extra environment.
ProcessResult run(const QString &program, const QStringList &args, const QStringList &extraEnv = {},
                  int timeoutMs = 600000);

} // namespace tidemark::test
