#include "prebackup_dialog.h"

#include <algorithm>

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "plan_step_model.h"

namespace tidemark::ui {

namespace {
enum Column { KindColumn, PartitionsColumn, RewriteColumn, BackupColumn, TimeColumn, StatusColumn, ColumnCount };
} // namespace

PreBackupDialog::PreBackupDialog(EngineClient *client, const QString &uri, tidemark::BackupPhase phase, QWidget *parent)
    : QDialog(parent)
    , m_client(client)
    , m_uri(uri)
    , m_phase(phase)
{
    setObjectName(QStringLiteral("preBackupDialog"));
    setAttribute(Qt::WA_DeleteOnClose);
    resize(820, 520);
    auto *layout = new QVBoxLayout(this);
    m_title = new QLabel(this);
    m_title->setWordWrap(true);
    layout->addWidget(m_title);

    auto *form = new QFormLayout;
    m_deadline = new QSpinBox(this);
    m_deadline->setObjectName(QStringLiteral("deadline"));
    m_deadline->setRange(1, 24 * 60);
    m_deadline->setValue(10);
    m_deadline->setSuffix(tr(" min"));
    m_deadline->setToolTip(tr("No step starts that could not finish before this deadline, counted from the start"));
    form->addRow(tr("&Deadline:"), m_deadline);
    m_speed = new QSpinBox(this);
    m_speed->setObjectName(QStringLiteral("backupSpeed"));
    m_speed->setRange(1, 100000);
    m_speed->setValue(100);
    m_speed->setSuffix(tr(" MB/s"));
    m_speed->setToolTip(tr("How fast your backup tool copies, to turn the bytes saved into time"));
    form->addRow(tr("Backup &speed:"), m_speed);
    layout->addLayout(form);

    m_stageLabel = new QLabel(this);
    m_stageLabel->setObjectName(QStringLiteral("stage"));
    QFont bold = m_stageLabel->font();
    bold.setBold(true);
    m_stageLabel->setFont(bold);
    layout->addWidget(m_stageLabel);
    m_saving = new QLabel(this);
    m_saving->setObjectName(QStringLiteral("saving"));
    m_saving->setWordWrap(true);
    layout->addWidget(m_saving);

    m_steps = new QTreeWidget(this);
    m_steps->setObjectName(QStringLiteral("steps"));
    m_steps->setRootIsDecorated(false);
    m_steps->setColumnCount(ColumnCount);
    m_steps->setHeaderLabels(
        {tr("Step"), tr("Partitions"), tr("Rewrites"), tr("Incremental backup copies"), tr("Time"), tr("Status")});
    m_steps->header()->setSectionResizeMode(PartitionsColumn, QHeaderView::Stretch);
    layout->addWidget(m_steps, 1);

    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("progress"));
    m_progress->setRange(0, 1000);
    layout->addWidget(m_progress);
    m_detail = new QLabel(this);
    m_detail->setObjectName(QStringLiteral("detail"));
    m_detail->setWordWrap(true);
    m_detail->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_detail);

    auto *buttons = new QDialogButtonBox(this);
    m_analyse = buttons->addButton(tr("Analyse a&gain"), QDialogButtonBox::ActionRole);
    m_analyse->setObjectName(QStringLiteral("analyse"));
    // Not the accept role: the box would make it the default button on show,
    // and Enter would change the database.
    m_execute = buttons->addButton(tr("&Approve and execute"), QDialogButtonBox::ActionRole);
    m_execute->setObjectName(QStringLiteral("execute"));
    m_postBackup = buttons->addButton(tr("&Post-backup rebalance"), QDialogButtonBox::ActionRole);
    m_postBackup->setObjectName(QStringLiteral("postBackup"));
    m_cancel = buttons->addButton(tr("Cancel"), QDialogButtonBox::RejectRole);
    m_cancel->setObjectName(QStringLiteral("cancel"));
    layout->addWidget(buttons);
    // No default button at all: Enter in the dialog must neither execute nor
    // cancel a run; each button acts only when clicked (or Space when focused).
    for (auto *button : {m_analyse, m_execute, m_postBackup, m_cancel}) {
        button->setAutoDefault(false);
        button->setDefault(false);
    }
    // The buttons act themselves; the box must not close the dialog on accept.
    connect(m_analyse, &QPushButton::clicked, this, &PreBackupDialog::analyse);
    connect(m_execute, &QPushButton::clicked, this, &PreBackupDialog::approveAndExecute);
    connect(m_postBackup, &QPushButton::clicked, this, &PreBackupDialog::startPostBackup);
    connect(m_cancel, &QPushButton::clicked, this, &PreBackupDialog::cancelOrClose);

    connect(m_client, &EngineClient::preparationProgress, this, &PreBackupDialog::onProgress);
    connect(m_client, &EngineClient::preparationFinished, this, &PreBackupDialog::onFinished);
    analyse();
}

qint64 PreBackupDialog::deadlineMs() const
{
    return qint64(m_deadline->value()) * 60 * 1000;
}

void PreBackupDialog::setStage(Stage stage, const QString &text)
{
    m_stage = stage;
    m_stageLabel->setText(text);
    const bool running = stage == Stage::Analysing || stage == Stage::Executing;
    m_analyse->setEnabled(!running);
    m_execute->setEnabled(stage == Stage::Review && !m_plan.steps.empty());
    m_postBackup->setEnabled(stage == Stage::Ready && m_phase == tidemark::BackupPhase::PreBackup);
    m_deadline->setEnabled(!running);
    m_cancel->setText(running ? tr("Cancel") : tr("Close"));
    Q_EMIT stageChanged(stage);
}

void PreBackupDialog::analyse()
{
    const bool pre = m_phase == tidemark::BackupPhase::PreBackup;
    setWindowTitle(pre ? tr("Optimize before backup") : tr("Post-backup rebalance"));
    m_title->setText(pre ? tr("Reshape the partitions of %1 so the next incremental backup copies little. "
                              "Nothing changes until you approve.")
                               .arg(m_uri)
                         : tr("Merge back what went cold and split what became hot during the backup cycle of %1. "
                              "Nothing changes until you approve.")
                               .arg(m_uri));
    m_plan = {};
    m_before = m_after = 0;
    m_steps->clear();
    m_saving->clear();
    m_detail->clear();
    m_progress->setRange(0, 0); // busy until the plan is there
    setStage(Stage::Analysing, tr("Analysing: scanning the partitions and planning…"));
    m_waiting = true;
    tidemark::PolicyRequest reportOnly;
    reportOnly.level = tidemark::PolicyLevel::ReportOnly;
    if (pre)
        m_client->prepareForBackup(m_uri, reportOnly, deadlineMs());
    else
        m_client->postBackup(m_uri, reportOnly, deadlineMs());
}

void PreBackupDialog::approveAndExecute()
{
    if (m_stage != Stage::Review || m_plan.id == 0)
        return;
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    setStage(Stage::Executing, tr("Executing plan %1…").arg(m_plan.id));
    m_waiting = true;
    m_client->executeForBackup(m_plan.id, deadlineMs());
}

void PreBackupDialog::startPostBackup()
{
    m_phase = tidemark::BackupPhase::PostBackup;
    analyse();
}

void PreBackupDialog::cancelOrClose()
{
    reject();
}

void PreBackupDialog::reject()
{
    if (m_stage == Stage::Analysing || m_stage == Stage::Executing) {
        m_detail->setText(tr("Stopping safely: no new step starts; the running one finishes or rolls back."));
        m_client->cancelApply();
        return;
    }
    QDialog::reject();
}

void PreBackupDialog::onProgress(const tidemark::PreparationEvent &e)
{
    if (!m_waiting)
        return;
    if (e.stage == "step" && e.stepCount > 0) {
        m_progress->setRange(0, 1000);
        m_progress->setValue(int(1000.0 * (e.stepIndex + std::clamp(e.fraction, 0.0, 1.0)) / e.stepCount));
        if (auto *item = m_steps->topLevelItem(e.stepIndex))
            item->setText(StatusColumn,
                          e.status == "running"
                              ? tr("running %1 %").arg(int(100 * e.fraction))
                              : PlanStepModel::statusText(
                                    tidemark::stepStatusFromString(e.status).value_or(tidemark::StepStatus::Pending)));
    }
    m_detail->setText(QString::fromStdString(e.text));
}

void PreBackupDialog::showPlan(const tidemark::Plan &plan, const std::vector<tidemark::StepDecision> &decisions)
{
    const QLocale locale;
    m_steps->clear();
    m_before = m_after = 0;
    double seconds = 0;
    for (std::size_t i = 0; i < plan.steps.size(); ++i) {
        const tidemark::Step &s = plan.steps[i];
        QStringList targets;
        for (const auto &t : s.newPartitions())
            targets << QString::fromStdString(t.name);
        QStringList sources;
        for (const auto &p : s.sources)
            sources << QString::fromStdString(p);
        const double secs =
            i < decisions.size() ? decisions[i].predictedSeconds : tidemark::PolicyGate::predictedSeconds(s);
        seconds += secs;
        m_before += s.predicted.backupBytesBefore;
        m_after += s.predicted.backupBytesAfter;
        auto *item = new QTreeWidgetItem(m_steps);
        item->setText(KindColumn, PlanStepModel::kindText(s.kind));
        item->setText(PartitionsColumn,
                      tr("%1 → %2").arg(sources.join(QStringLiteral(", ")), targets.join(QStringLiteral(", "))));
        item->setText(RewriteColumn, locale.formattedDataSize(s.predicted.bytesRewritten));
        item->setText(BackupColumn,
                      tr("%1 → %2").arg(locale.formattedDataSize(s.predicted.backupBytesBefore),
                                        locale.formattedDataSize(s.predicted.backupBytesAfter)));
        item->setText(TimeColumn, tr("~%1 s").arg(locale.toString(secs, 'f', 1)));
        item->setText(StatusColumn, PlanStepModel::statusText(s.status));
        item->setToolTip(PartitionsColumn, QString::fromStdString(s.reason));
        if (!s.verification.empty())
            item->setToolTip(StatusColumn, QString::fromStdString(s.verification));
    }
    const double saved = double(std::max<std::int64_t>(0, m_before - m_after));
    const double savedSeconds = saved / (double(m_speed->value()) * 1e6);
    m_saving->setText(plan.steps.empty()
                          ? tr("Nothing to reshape: the partitions already suit an incremental backup.")
                          : tr("Predicted saving per incremental backup: %1 (%2 → %3), about %4 s at %5 MB/s. "
                               "The plan rewrites %6 once, in about %7 s.")
                                .arg(locale.formattedDataSize(qint64(saved)), locale.formattedDataSize(m_before),
                                     locale.formattedDataSize(m_after), locale.toString(savedSeconds, 'f', 1))
                                .arg(m_speed->value())
                                .arg(locale.formattedDataSize([&] {
                                    qint64 b = 0;
                                    for (const auto &s : plan.steps)
                                        b += s.predicted.bytesRewritten;
                                    return b;
                                }()),
                                     locale.toString(seconds, 'f', 1)));
}

void PreBackupDialog::onFinished(const tidemark::PreparationResult &result, const EngineError &error)
{
    if (!m_waiting)
        return;
    m_waiting = false;
    m_progress->setRange(0, 1000);
    if (!error.message.isEmpty()) {
        m_progress->setValue(0);
        setStage(Stage::NotReady, tr("Not ready for backup: the run could not start"));
        m_detail->setText(error.text());
        return;
    }
    m_detail->setText(QString::fromStdString(result.message));
    if (m_stage == Stage::Analysing && result.reason == "cancelled") {
        setStage(Stage::NotReady, tr("Cancelled: %n step(s) done and verified, nothing half-applied", nullptr, 0));
        return;
    }
    if (m_stage == Stage::Analysing) {
        m_plan = result.plan;
        showPlan(m_plan, result.gate.decisions);
        m_progress->setValue(0);
        if (m_plan.steps.empty()) {
            m_progress->setValue(1000);
            setStage(Stage::Ready, tr("Ready for backup: nothing to do"));
        } else {
            setStage(Stage::Review, tr("Plan %1: review the steps and approve to execute").arg(m_plan.id));
        }
        return;
    }
    // Executing: the plan as stored now, every step's status and verification.
    if (result.plan.id)
        m_plan = result.plan;
    showPlan(m_plan, {});
    if (result.ready) {
        m_progress->setValue(1000);
        setStage(Stage::Ready, tr("Ready for backup: %n step(s) done and verified", nullptr, result.stepsDone));
    } else if (result.reason == "cancelled") {
        setStage(Stage::NotReady,
                 tr("Cancelled: %n step(s) done and verified, nothing half-applied", nullptr, result.stepsDone));
    } else if (result.reason == "deadline-too-short") {
        setStage(Stage::NotReady, tr("Not ready: the deadline is too short for any step; nothing was changed"));
    } else {
        setStage(Stage::NotReady, tr("Not ready for backup: %1").arg(QString::fromStdString(result.message)));
    }
}

} // namespace tidemark::ui
