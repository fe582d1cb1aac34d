#pragma once
// Shared by the desktop tests: a demo database made by the real tidemark-cli,
// and an EngineClient loaded with the real connector plugins.
#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace tidemark::ui {
class EngineClient;
class PlanReviewPage;
} // namespace tidemark::ui

namespace tidemark::test {

struct Demo {
    QString store;
    QString database;
    QString uri;
};

/// Creates a small demo (60,000 rows, 40 partitions) in `dir` and runs its
/// workload for `loadSeconds`; QFAIL-style message in `error` on failure.
bool makeDemo(const QTemporaryDir &dir, int loadSeconds, Demo &demo, QString &error, int rows = 60000);

/// An EngineClient with every connector plugin found.
std::unique_ptr<tidemark::ui::EngineClient> makeClient();

/// Approves the plan Plan review shows (its button, then Yes in the
/// confirmation) and executes it (its button); "" once the run finished
/// without an error, else what went wrong. Waits on the page, not the clock.
QString approveAndExecute(tidemark::ui::PlanReviewPage *plans, tidemark::ui::EngineClient *client,
                          int timeoutMs = 120000);

/// Keeps QSettings and QStandardPaths away from the user's own files.
void isolateSettings(const QTemporaryDir &dir);

} // namespace tidemark::test
