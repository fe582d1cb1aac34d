#include "plan_review_page.h"

#include <QAbstractButton>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <map>
#include <set>

#include "engine_client.h"
#include "error_banner.h"
#include "partition_layout_strip.h"
#include "plan_history_model.h"
#include "plan_step_model.h"

namespace tidemark::ui {

using tidemark::widgets::LayoutSegment;

PlanReviewPage::PlanReviewPage(EngineClient *client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_planList(new QComboBox(this))
    , m_propose(new QPushButton(tr("&Propose a plan"), this))
    , m_summary(new QLabel(this))
    , m_status(new QLabel(this))
    , m_error(new ErrorBanner(this))
    , m_steps(new PlanStepModel(this))
    , m_stepView(new QTableView(this))
    , m_reason(new QLabel(this))
    , m_effect(new QLabel(this))
    , m_verification(new QLabel(this))
    , m_stepError(new QLabel(this))
    , m_sql(new QPlainTextEdit(this))
    , m_copy(new QPushButton(tr("&Copy SQL"), this))
    , m_strip(new tidemark::widgets::PartitionLayoutStrip(this))
    , m_approve(new QPushButton(tr("&Approve…"), this))
    , m_reject(new QPushButton(tr("&Reject…"), this))
    , m_execute(new QPushButton(tr("&Execute"), this))
    , m_cancel(new QPushButton(tr("Ca&ncel"), this))
    , m_stepBar(new QProgressBar(this))
    , m_overallBar(new QProgressBar(this))
    , m_progressText(new QLabel(this))
{
    setObjectName(QStringLiteral("planReviewPage"));
    m_approve->setObjectName(QStringLiteral("approveButton"));
    m_reject->setObjectName(QStringLiteral("rejectButton"));
    m_execute->setObjectName(QStringLiteral("executeButton"));
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    m_propose->setObjectName(QStringLiteral("proposeButton"));
    m_status->setObjectName(QStringLiteral("planStatus"));
    m_effect->setObjectName(QStringLiteral("stepEffect"));
    m_stepView->setObjectName(QStringLiteral("stepTable"));
    m_planList->setAccessibleName(tr("Plan"));
    m_propose->setToolTip(tr("Scan now and propose splits and merges for the next backup (Ctrl+P)"));
    m_approve->setToolTip(tr("Approve the plan; you are recorded as the approver (Ctrl+Shift+A)"));
    m_reject->setToolTip(tr("Reject the plan; nothing is changed (Ctrl+Shift+R)"));
    m_execute->setToolTip(tr("Run the approved plan step by step, verifying each (Ctrl+E)"));
    m_cancel->setToolTip(tr("Stop safely: the running step rolls back, no new step starts (Ctrl+Shift+X)"));
    for (QLabel *l : {m_summary, m_reason, m_effect, m_verification, m_stepError, m_progressText, m_status}) {
        l->setWordWrap(true);
        l->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    }
    m_stepError->setStyleSheet(QStringLiteral("color: #c0392b;"));
    m_sql->setReadOnly(true);
    m_sql->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_sql->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_sql->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_sql->setAccessibleName(tr("Exact SQL of the step"));
    m_sql->setTabChangesFocus(true);

    auto *planLabel = new QLabel(tr("P&lan:"), this);
    planLabel->setBuddy(m_planList);
    auto *top = new QHBoxLayout;
    top->addWidget(planLabel);
    top->addWidget(m_planList, 1);
    top->addWidget(m_propose);

    m_stepView->setModel(m_steps);
    m_stepView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_stepView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_stepView->verticalHeader()->hide();
    m_stepView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_stepView->horizontalHeader()->setSectionResizeMode(PlanStepModel::FromColumn, QHeaderView::Stretch);
    m_stepView->horizontalHeader()->setSectionResizeMode(PlanStepModel::ToColumn, QHeaderView::Stretch);
    m_stepView->horizontalHeader()->setSectionResizeMode(PlanStepModel::VerificationColumn, QHeaderView::Stretch);
    m_stepView->setWordWrap(true);
    m_stepView->setAccessibleName(tr("Steps of the plan"));

    auto *detail = new QGroupBox(tr("Selected step"), this);
    auto *form = new QFormLayout(detail);
    form->addRow(tr("Why:"), m_reason);
    form->addRow(tr("Predicted effect:"), m_effect);
    form->addRow(tr("Verification:"), m_verification);
    form->addRow(QString(), m_stepError);
    auto *sqlRow = new QHBoxLayout;
    sqlRow->addWidget(m_sql, 1);
    sqlRow->addWidget(m_copy, 0, Qt::AlignTop);
    form->addRow(tr("SQL:"), sqlRow);
    form->addRow(tr("Layout:"), m_strip);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_stepView);
    split->addWidget(detail);
    split->setStretchFactor(1, 2);

    auto *actions = new QHBoxLayout;
    actions->addWidget(m_approve);
    actions->addWidget(m_reject);
    actions->addStretch(1);
    actions->addWidget(m_execute);
    actions->addWidget(m_cancel);
    auto *progress = new QFormLayout;
    m_progressText->setObjectName(QStringLiteral("progressText")); // the latest line of the running step
    m_stepBar->setAccessibleName(tr("Progress of the running step"));
    m_overallBar->setAccessibleName(tr("Progress of the whole plan"));
    m_stepBar->setFormat(tr("%p %"));
    m_overallBar->setFormat(tr("%p %"));
    progress->addRow(tr("Step:"), m_stepBar);
    progress->addRow(tr("Overall:"), m_overallBar);
    progress->addRow(QString(), m_progressText);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_summary);
    layout->addWidget(m_status);
    layout->addWidget(m_error);
    layout->addWidget(split, 1);
    layout->addLayout(actions);
    layout->addLayout(progress);

    connect(m_propose, &QPushButton::clicked, this, &PlanReviewPage::proposePlan);
    connect(m_approve, &QPushButton::clicked, this, &PlanReviewPage::approve);
    connect(m_reject, &QPushButton::clicked, this, &PlanReviewPage::reject);
    connect(m_execute, &QPushButton::clicked, this, &PlanReviewPage::execute);
    connect(m_cancel, &QPushButton::clicked, this, &PlanReviewPage::cancel);
    connect(m_copy, &QPushButton::clicked, this, &PlanReviewPage::copySql);
    connect(m_planList, &QComboBox::activated, this, [this](int index) {
        const qint64 id = m_planList->itemData(index).toLongLong();
        if (id > 0 && id != plan().id)
            m_client->loadPlan(id);
    });
    connect(m_stepView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) { showStep(current.row()); });

    connect(client, &EngineClient::scanned, this, [this](const ScanSnapshot &snap) {
        if (snap.uri != m_uri)
            return;
        m_snapshot = snap;
        refreshPlanList(snap);
        const QModelIndex cur = m_stepView->currentIndex();
        updateStrip(cur.isValid() ? cur.row() : -1);
    });
    connect(client, &EngineClient::planProposed, this, [this](const tidemark::Plan &plan, const QStringList &notes) {
        updateButtons();
        if (plan.id == 0) {
            // The engine says what kept the plan empty (a baseline, a
            // cool-down, merges that would not pay), not a blanket "within thresholds".
            QString why = toQString(plan.summary);
            why.remove(QLatin1String("no action proposed: "));
            m_error->showMessage(tr("Nothing to do: %1").arg(why) +
                                     (notes.isEmpty() ? QString() : QLatin1Char('\n') + notes.join(QLatin1Char('\n'))),
                                 false);
            return;
        }
        m_error->clear();
        if (!notes.isEmpty())
            m_error->showMessage(notes.join(QLatin1Char('\n')), false);
        setPlan(plan);
        m_client->scan(m_uri);
    });
    connect(client, &EngineClient::planLoaded, this, [this](const tidemark::Plan &p) { setPlan(p); });
    connect(client, &EngineClient::planChanged, this, [this](const tidemark::Plan &p) {
        if (p.id == plan().id)
            setPlan(p);
    });
    connect(client, &EngineClient::applyProgress, this, [this](const ApplyProgress &p) {
        if (p.planId != plan().id)
            return;
        m_steps->setProgress(p);
        m_stepBar->setValue(qRound(100 * (p.status == StepStatus::Done ? 1.0 : p.stepFraction)));
        m_overallBar->setValue(qRound(100 * p.overall()));
        m_progressText->setText(tr("Step %1 of %2: %3").arg(p.stepIndex + 1).arg(p.stepCount).arg(p.text));
    });
    connect(client, &EngineClient::applyFinished, this,
            [this](const tidemark::Plan &p, const EngineError &error, bool cancelled) {
                m_applying = false;
                if (p.id != 0)
                    setPlan(p);
                if (cancelled)
                    m_error->showMessage(tr("Execution stopped. The running step was rolled back; the steps "
                                            "before it stay done."),
                                         false);
                else if (!error.message.isEmpty())
                    m_error->showError(tr("Execution failed"), error);
                else
                    m_overallBar->setValue(100);
                updateButtons();
                m_client->scan(m_uri);
            });
    connect(client, &EngineClient::failed, this, [this](EngineOp op, const EngineError &error) {
        if (op == EngineOp::Plan && !error.uri.isEmpty() && error.uri != m_uri) {
            updateButtons();
            return; // a plan of the connection shown before a switch
        }
        switch (op) {
        case EngineOp::Plan:
            m_propose->setEnabled(true);
            m_error->showError(tr("Planning failed"), error);
            break;
        case EngineOp::Approve:
            m_error->showError(tr("Approval failed"), error);
            break;
        case EngineOp::Reject:
            m_error->showError(tr("Rejecting failed"), error);
            break;
        case EngineOp::Apply:
            m_applying = false;
            m_error->showError(tr("Execution failed"), error);
            break;
        default:
            return;
        }
        updateButtons();
    });
    setPlan({});
}

const tidemark::Plan &PlanReviewPage::plan() const
{
    return m_steps->plan();
}
QString PlanReviewPage::statusText() const
{
    return m_status->text();
}

QString PlanReviewPage::verificationText() const
{
    QStringList lines;
    for (const auto &s : plan().steps)
        lines << toQString(s.verification);
    return lines.join(QLatin1Char('\n'));
}

void PlanReviewPage::setConnection(const QString &uri)
{
    if (uri == m_uri)
        return;
    m_uri = uri;
    m_snapshot = {};
    m_planList->clear();
    setPlan({});
}

void PlanReviewPage::refreshPlanList(const ScanSnapshot &snap)
{
    const qint64 current = plan().id;
    m_planList->clear();
    bool hasCurrent = false;
    for (const auto &p : snap.openPlans) {
        m_planList->addItem(
            tr("Plan %1 (%2): %3").arg(p.id).arg(PlanHistoryModel::statusText(p.status), toQString(p.summary)),
            static_cast<qlonglong>(p.id));
        hasCurrent = hasCurrent || p.id == current;
    }
    if (current > 0 && !hasCurrent)
        m_planList->addItem(tr("Plan %1 (%2)").arg(current).arg(PlanHistoryModel::statusText(plan().status)),
                            static_cast<qlonglong>(current));
    m_planList->setCurrentIndex(m_planList->findData(static_cast<qlonglong>(current)));
    if (m_planList->count() == 0)
        m_planList->setPlaceholderText(tr("No open plan: propose one"));
    // Nothing shown yet: show the newest open plan, so it is one look away.
    if (current == 0 && !snap.openPlans.empty())
        m_client->loadPlan(snap.openPlans.front().id);
}

void PlanReviewPage::proposePlan()
{
    if (m_uri.isEmpty())
        return;
    m_error->clear();
    m_propose->setEnabled(false);
    Q_EMIT actionsChanged();
    m_client->proposePlan(m_uri);
}

void PlanReviewPage::showPlan(qint64 planId)
{
    if (planId > 0)
        m_client->loadPlan(planId);
}

void PlanReviewPage::setPlan(const tidemark::Plan &p)
{
    const int keepRow = m_stepView->currentIndex().isValid() ? m_stepView->currentIndex().row() : 0;
    const bool samePlan = p.id == plan().id;
    m_steps->setPlan(p);
    if (p.id == 0) {
        m_summary->setText(tr("No plan shown. Propose one, or pick an open plan above."));
        m_status->clear();
    } else {
        m_summary->setText(tr("Plan %1 for %2, created %3 by %4: %5")
                               .arg(p.id)
                               .arg(toQString(p.connectionUri), PlanHistoryModel::formatTime(p.createdMs),
                                    toQString(p.createdBy), toQString(p.summary)));
        QString status = PlanHistoryModel::statusText(p.status);
        if (!p.approvedBy.empty())
            status = tr("%1 — approved by %2, %3")
                         .arg(status, toQString(p.approvedBy), PlanHistoryModel::formatTime(p.approvedMs));
        m_status->setText(status);
        if (m_planList->findData(static_cast<qlonglong>(p.id)) < 0)
            m_planList->addItem(tr("Plan %1 (%2)").arg(p.id).arg(PlanHistoryModel::statusText(p.status)),
                                static_cast<qlonglong>(p.id));
        m_planList->setCurrentIndex(m_planList->findData(static_cast<qlonglong>(p.id)));
    }
    if (!samePlan) {
        m_stepBar->setValue(0);
        int done = 0;
        for (const auto &s : p.steps)
            done += s.status == StepStatus::Done ? 1 : 0;
        m_overallBar->setValue(p.steps.empty() ? 0 : 100 * done / static_cast<int>(p.steps.size()));
        m_progressText->clear();
    }
    const int row = m_steps->rowCount() > 0 ? std::min(samePlan ? keepRow : 0, m_steps->rowCount() - 1) : -1;
    if (row >= 0)
        m_stepView->selectRow(row);
    showStep(row);
    updateButtons();
    Q_EMIT planStatusChanged(m_status->text());
}

void PlanReviewPage::updateButtons()
{
    const auto &p = plan();
    const bool has = p.id > 0;
    const bool busy = m_applying || m_client->isApplying();
    m_approve->setEnabled(has && !busy && p.status == PlanStatus::Proposed);
    m_reject->setEnabled(has && !busy && (p.status == PlanStatus::Proposed || p.status == PlanStatus::Approved));
    // A plan left running by a process that died is resumed by Execute too.
    m_execute->setEnabled(has && !busy && (p.status == PlanStatus::Approved || p.status == PlanStatus::Running));
    m_cancel->setEnabled(busy);
    m_propose->setEnabled(!busy && !m_uri.isEmpty());
    Q_EMIT actionsChanged();
}

bool PlanReviewPage::allows(Action action) const
{
    switch (action) {
    case Action::Propose:
        return m_propose->isEnabled();
    case Action::Approve:
        return m_approve->isEnabled();
    case Action::Reject:
        return m_reject->isEnabled();
    case Action::Execute:
        return m_execute->isEnabled();
    case Action::Cancel:
        return m_cancel->isEnabled();
    }
    return false;
}

void PlanReviewPage::showStep(int row)
{
    if (row < 0 || row >= m_steps->rowCount()) {
        for (QLabel *l : {m_reason, m_effect, m_verification, m_stepError})
            l->clear();
        m_sql->clear();
        m_copy->setEnabled(false);
        updateStrip(-1);
        return;
    }
    const auto &s = plan().steps[static_cast<std::size_t>(row)];
    const QLocale locale;
    m_reason->setText(toQString(s.reason));
    const auto &e = s.predicted;
    QString effect =
        tr("rewrites %1 (%2 rows), writers blocked about %3 s; the next incremental backup copies about %4 "
           "instead of %5")
            .arg(locale.formattedDataSize(e.bytesRewritten), locale.toString(static_cast<qlonglong>(e.rowsMoved)),
                 locale.toString(e.lockSeconds, 'f', 2), locale.formattedDataSize(e.backupBytesAfter),
                 locale.formattedDataSize(e.backupBytesBefore));
    const qint64 net = e.netBytesPerCycle();
    effect += QLatin1Char('\n') +
        tr("net per backup cycle: %1%2 (saves %3, its rewrite costs %4 per cycle)")
            .arg(net < 0 ? QStringLiteral("−") : QString(), locale.formattedDataSize(net < 0 ? -net : net),
                 locale.formattedDataSize(std::max<qint64>(e.backupBytesBefore - e.backupBytesAfter, 0)),
                 locale.formattedDataSize(e.amortisedRewriteBytesPerCycle));
    if (s.measured)
        effect += QLatin1Char('\n') +
            tr("measured: rewrote %1 (%2 rows), writers blocked %3 s")
                .arg(locale.formattedDataSize(s.measured->bytesRewritten),
                     locale.toString(static_cast<qlonglong>(s.measured->rowsMoved)),
                     locale.toString(s.measured->lockSeconds, 'f', 2));
    m_effect->setText(effect);
    m_verification->setText(s.verification.empty() ? tr("not run yet") : toQString(s.verification));
    if (s.leftOutAtApproval())
        m_stepError->setText(tr("Left out at approval: this step does not run and its partitions stay as they are."));
    else if (s.error.empty())
        m_stepError->clear();
    else
        m_stepError->setText(tr("The database said: %1\nThis step's transaction was rolled back; its partitions are "
                                "as they were.")
                                 .arg(toQString(s.error)));
    m_sql->setPlainText(toQString(s.sql));
    m_copy->setEnabled(!s.sql.empty());
    updateStrip(row);
}

void PlanReviewPage::updateStrip(int row)
{
    if (row < 0 || row >= m_steps->rowCount()) {
        m_strip->setLayouts({}, {});
        return;
    }
    const auto &step = plan().steps[static_cast<std::size_t>(row)];
    const tidemark::PartitionedTable *table = nullptr;
    for (const auto &t : m_snapshot.scan.tables)
        if (t.name == step.table)
            table = &t;
    std::map<std::string, double> score;
    for (const auto &s : m_snapshot.scan.scores)
        if (s.table == step.table)
            score[s.partition] = s.score;
    // Before: the table as last scanned (or, once the step ran, as it was planned).
    std::vector<std::pair<std::string, tidemark::KeyRange>> before;
    if (table)
        for (const auto &p : table->partitions)
            before.emplace_back(p.name, p.bounds);
    const bool sourcesPresent = std::all_of(step.sources.begin(), step.sources.end(), [&](const std::string &n) {
        return std::any_of(before.begin(), before.end(), [&](const auto &b) { return b.first == n; });
    });
    if (!sourcesPresent) {
        // The step already ran: rebuild "before" from "after" by undoing it.
        std::erase_if(before, [&](const auto &b) {
            return std::any_of(step.newPartitions().begin(), step.newPartitions().end(),
                               [&](const auto &t) { return t.name == b.first; });
        });
        KeyRange whole{step.newPartitions().empty() ? std::nullopt : step.newPartitions().front().bounds.lower,
                       step.newPartitions().empty() ? std::nullopt : step.newPartitions().back().bounds.upper};
        for (const auto &s : step.sources)
            before.emplace_back(s, step.sources.size() == 1 ? whole : KeyRange{});
    }
    double lo = 0, hi = 1, span = 1;
    bool first = true;
    for (const auto &[name, r] : before)
        for (auto v : {r.lower, r.upper})
            if (v) {
                lo = first ? double(*v) : std::min(lo, double(*v));
                hi = first ? double(*v) : std::max(hi, double(*v));
                first = false;
            }
    if (!before.empty())
        span = std::max(1.0, (hi - lo) / double(before.size()));
    auto position = [&](const tidemark::KeyRange &r) {
        return std::pair{r.lower ? double(*r.lower) : lo - span, r.upper ? double(*r.upper) : hi + span};
    };
    const std::set<std::string> sources(step.sources.begin(), step.sources.end());
    double sourceScore = 0;
    QList<LayoutSegment> b, a;
    for (const auto &[name, r] : before) {
        const auto [x0, x1] = position(r);
        const double sc = score.count(name) ? score[name] : 0.0;
        const bool changed = sources.count(name) > 0;
        if (changed)
            sourceScore = std::max(sourceScore, sc);
        b.append({toQString(name), toQString(tidemark::describeRange(r, step.keyType)), x0, x1, sc, changed});
        if (!changed)
            a.append(b.last());
    }
    for (auto &seg : a)
        seg.changed = false;
    for (const auto &t : step.newPartitions()) {
        const auto [x0, x1] = position(t.bounds);
        const double predicted =
            std::min(100.0, sourceScore * t.expectedWriteShare * double(step.newPartitions().size()));
        a.append(
            {toQString(t.name), toQString(tidemark::describeRange(t.bounds, step.keyType)), x0, x1, predicted, true});
    }
    std::sort(a.begin(), a.end(), [](const LayoutSegment &x, const LayoutSegment &y) { return x.begin < y.begin; });
    m_strip->setLayouts(b, a);
}

QString PlanReviewPage::changeDescription() const
{
    QStringList lines;
    for (const auto &s : plan().steps) {
        QStringList from, to;
        for (const auto &n : s.sources)
            from << toQString(n);
        for (const auto &t : s.newPartitions())
            to << toQString(t.name + " " + tidemark::describeRange(t.bounds, s.keyType));
        lines << (s.kind == StepKind::Split
                      ? tr("• split %1 of %2 into %3")
                            .arg(from.join(QStringLiteral(", ")), toQString(s.table), to.join(QStringLiteral(", ")))
                      : tr("• merge %1 of %2 into %3")
                            .arg(from.join(QStringLiteral(", ")), toQString(s.table), to.join(QStringLiteral(", "))));
    }
    return lines.join(QLatin1Char('\n'));
}

void PlanReviewPage::approve()
{
    const auto &p = plan();
    if (p.id == 0 || p.status != PlanStatus::Proposed || m_confirm)
        return;
    m_confirm = new QMessageBox(QMessageBox::Question, tr("Approve plan %1?").arg(p.id),
                                tr("Approving plan %1 allows it to change %2:\n\n%3\n\nNothing runs until you press "
                                   "Execute. The approval is recorded as yours (%4).")
                                    .arg(p.id)
                                    .arg(toQString(p.connectionUri), changeDescription(), m_client->who()),
                                QMessageBox::Yes | QMessageBox::Cancel, this);
    m_confirm->setObjectName(QStringLiteral("approveConfirmation"));
    m_confirm->button(QMessageBox::Yes)->setText(tr("&Approve"));
    m_confirm->setDefaultButton(QMessageBox::Cancel);
    m_confirm->setAttribute(Qt::WA_DeleteOnClose);
    const qint64 id = p.id;
    connect(m_confirm, &QMessageBox::finished, this, [this, id](int result) {
        m_confirm = nullptr;
        if (result == QMessageBox::Yes)
            m_client->approve(id);
    });
    m_confirm->open();
}

void PlanReviewPage::reject()
{
    const auto &p = plan();
    if (p.id == 0 || m_confirm)
        return;
    m_confirm = new QMessageBox(
        QMessageBox::Question, tr("Reject plan %1?").arg(p.id),
        tr("Rejecting plan %1 means none of these changes will be made:\n\n%2").arg(p.id).arg(changeDescription()),
        QMessageBox::Yes | QMessageBox::Cancel, this);
    m_confirm->setObjectName(QStringLiteral("rejectConfirmation"));
    m_confirm->button(QMessageBox::Yes)->setText(tr("&Reject"));
    m_confirm->setDefaultButton(QMessageBox::Cancel);
    m_confirm->setAttribute(Qt::WA_DeleteOnClose);
    const qint64 id = p.id;
    connect(m_confirm, &QMessageBox::finished, this, [this, id](int result) {
        m_confirm = nullptr;
        if (result == QMessageBox::Yes)
            m_client->reject(id, tr("rejected in the desktop application"));
    });
    m_confirm->open();
}

void PlanReviewPage::execute()
{
    const auto &p = plan();
    if (p.id == 0 || !m_execute->isEnabled())
        return;
    m_error->clear();
    m_applying = true;
    m_stepBar->setValue(0);
    m_overallBar->setValue(0);
    m_progressText->setText(tr("Starting…"));
    updateButtons();
    m_client->apply(p.id);
}

QString PlanReviewPage::stepErrorText() const
{
    return m_stepError->text();
}

void PlanReviewPage::cancel()
{
    if (!m_applying)
        return;
    m_progressText->setText(tr("Stopping safely: the running step rolls back, no new step starts…"));
    m_client->cancelApply();
}

void PlanReviewPage::copySql()
{
    QApplication::clipboard()->setText(m_sql->toPlainText());
}

} // namespace tidemark::ui
