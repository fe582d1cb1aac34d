#include "segments_page.h"

#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QDir>
#include <QFileDialog>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineSeries>
#include <QLocale>
#include <QPen>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <utility>

#include "engine_client.h"
#include "error_banner.h"

namespace tidemark::ui {

namespace {

constexpr char kArchiveFolderKey[] = "segments/archiveFolder";

QString when(qint64 ms)
{
    return QLocale().toString(QDateTime::fromMSecsSinceEpoch(ms), QLocale::ShortFormat);
}

QString bytes(double b)
{
    return QLocale().formattedDataSize(qint64(std::max(b, 0.0)));
}

QTableWidget *makeTable(const QStringList &headers, const QString &name, QWidget *parent)
{
    auto *t = new QTableWidget(0, int(headers.size()), parent);
    t->setObjectName(name);
    t->setHorizontalHeaderLabels(headers);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setSelectionMode(QAbstractItemView::SingleSelection);
    t->setTabKeyNavigation(false); // Tab leaves the table, arrows move inside
    t->verticalHeader()->hide();
    t->horizontalHeader()->setStretchLastSection(true);
    return t;
}

QTableWidgetItem *cell(const QString &text, Qt::Alignment align = Qt::AlignLeft | Qt::AlignVCenter)
{
    auto *item = new QTableWidgetItem(text);
    item->setTextAlignment(align);
    return item;
}

QTableWidgetItem *number(const QString &text)
{
    return cell(text, Qt::AlignRight | Qt::AlignVCenter);
}

QString stateText(tidemark::SegmentState s)
{
    switch (s) {
    case tidemark::SegmentState::Active:
        return SegmentsPage::tr("active");
    case tidemark::SegmentState::Sealed:
        return SegmentsPage::tr("sealed");
    case tidemark::SegmentState::Archived:
        return SegmentsPage::tr("archived");
    }
    return {};
}

QLineSeries *line(const QList<QPointF> &points, const QString &name, QObject *parent)
{
    auto *s = new QLineSeries(parent);
    s->setName(name);
    s->append(points);
    return s;
}

} // namespace

SegmentsPage::SegmentsPage(EngineClient *client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_status(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_error(new ErrorBanner(this))
    , m_actions(new QHBoxLayout)
    , m_surveyButton(new QPushButton(QIcon(QStringLiteral(":/icons/scan.svg")), tr("&Survey now"), this))
    , m_archiveButton(new QPushButton(tr("&Archive…"), this))
    , m_compactButton(new QPushButton(tr("Plan &compaction"), this))
    , m_queueEmpty(new QLabel(this))
    , m_queue(makeTable({tr("Table"), tr("Segment"), tr("Priority"), tr("Size"), tr("Dead space"), tr("Growth/h"),
                         tr("State"), tr("Reason")},
                        QStringLiteral("compactionQueue"), this))
    , m_scheduleEmpty(new QLabel(this))
    , m_schedule(makeTable({tr("Table"), tr("Size now"), tr("Predicted"), tr("95 % band"), tr("Threshold"),
                            tr("Time to archive"), tr("Crossing"), tr("Segments to archive")},
                           QStringLiteral("archiveSchedule"), this))
    , m_chartNote(new QLabel(this))
    , m_chart(new QChart)
    , m_view(new QChartView(m_chart, this))
{
    m_status->setObjectName(QStringLiteral("segmentsStatus"));
    m_status->setWordWrap(true);
    m_status->setText(tr("Choose a connection to see its log segments."));
    m_progress->setRange(0, 0); // busy, no figure to show
    m_progress->setMaximumWidth(160);
    m_progress->setTextVisible(false);
    m_progress->setAccessibleName(tr("Survey running"));
    m_progress->hide();
    m_surveyButton->setToolTip(tr("Sample the connection and compute every segment's figures again"));
    m_archiveButton->setObjectName(QStringLiteral("archiveSegments"));
    m_archiveButton->setToolTip(tr("Plan archiving the segments the forecast says must go, into a folder you choose; "
                                   "the plan opens on Plan review for approval"));
    m_archiveButton->setEnabled(false);
    m_compactButton->setObjectName(QStringLiteral("compactSegments"));
    m_compactButton->setToolTip(tr("Plan rewriting the sealed segments of the compaction queue densely and merging "
                                   "small sealed segments; the plan opens on Plan review for approval"));
    m_compactButton->setEnabled(false);
    for (QLabel *l : {m_queueEmpty, m_scheduleEmpty, m_chartNote}) {
        l->setWordWrap(true);
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    }
    m_queueEmpty->setObjectName(QStringLiteral("compactionEmpty"));
    m_scheduleEmpty->setObjectName(QStringLiteral("archiveEmpty"));
    m_chartNote->setObjectName(QStringLiteral("chartNote"));
    m_queue->setAccessibleName(tr("Compaction queue"));
    m_schedule->setAccessibleName(tr("Archive schedule"));
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setMinimumHeight(220);
    m_chart->legend()->setAlignment(Qt::AlignBottom);

    m_actions->addWidget(m_status, 1);
    m_actions->addWidget(m_progress);
    m_actions->addWidget(m_surveyButton);
    m_actions->addWidget(m_archiveButton);
    m_actions->addWidget(m_compactButton);

    auto *queueBox = new QGroupBox(tr("Compaction queue"), this);
    auto *queueLayout = new QVBoxLayout(queueBox);
    queueLayout->addWidget(m_queueEmpty);
    queueLayout->addWidget(m_queue, 1);
    auto *scheduleBox = new QGroupBox(tr("Archive schedule"), this);
    auto *scheduleLayout = new QVBoxLayout(scheduleBox);
    scheduleLayout->addWidget(m_scheduleEmpty);
    scheduleLayout->addWidget(m_schedule, 1);
    auto *chartBox = new QGroupBox(tr("Predicted size of the selected table"), this);
    auto *chartLayout = new QVBoxLayout(chartBox);
    chartLayout->addWidget(m_chartNote);
    chartLayout->addWidget(m_view, 1);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(queueBox);
    split->addWidget(scheduleBox);
    split->addWidget(chartBox);
    split->setChildrenCollapsible(false);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 1);
    split->setStretchFactor(2, 4); // the chart gets the room the one-row schedule does not need

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(m_actions);
    layout->addWidget(m_error);
    layout->addWidget(split, 1);

    connect(m_surveyButton, &QPushButton::clicked, this, &SegmentsPage::survey);
    connect(m_archiveButton, &QPushButton::clicked, this, &SegmentsPage::archive);
    connect(m_compactButton, &QPushButton::clicked, this, &SegmentsPage::compact);
    connect(m_schedule, &QTableWidget::currentCellChanged, this, [this](int row) {
        if (row >= 0 && m_schedule->item(row, 0))
            showChart(m_schedule->item(row, 0)->text());
    });
    connect(m_client, &EngineClient::segmentsSurveyed, this, [this](const SegmentsReply &reply) {
        if (reply.uri != m_uri)
            return;
        setBusy(false, QString());
        showReply(reply);
    });
    connect(m_client, &EngineClient::archivePlanned, this, [this](const QString &uri, const tidemark::Plan &plan) {
        if (uri != m_uri)
            return;
        setBusy(false, QString());
        m_status->setText(statusText());
        if (plan.id == 0) {
            m_error->showMessage(tr("Nothing to archive: no sealed segment is due."), false);
            return;
        }
        m_error->clear();
        Q_EMIT reviewPlanRequested(plan.id);
    });
    connect(m_client, &EngineClient::compactionPlanned, this, [this](const QString &uri, const tidemark::Plan &plan) {
        if (uri != m_uri)
            return;
        setBusy(false, QString());
        m_status->setText(statusText());
        if (plan.id == 0) {
            m_error->showMessage(tr("Nothing to compact: %1").arg(QString::fromStdString(plan.summary)), false);
            return;
        }
        m_error->clear();
        Q_EMIT reviewPlanRequested(plan.id);
    });
    // An executed plan (an archive, a compaction) changes the segments: survey again.
    connect(m_client, &EngineClient::applyFinished, this, [this](const tidemark::Plan &plan) {
        if (toQString(plan.connectionUri) != m_uri)
            return;
        if (isVisible())
            survey();
        else
            m_stale = true;
    });
    connect(m_client, &EngineClient::failed, this, [this](EngineOp op, const EngineError &error) {
        if (op != EngineOp::Segments || error.uri != m_uri)
            return;
        setBusy(false, QString());
        m_status->setText(statusText());
        m_error->showError(tr("The segments could not be surveyed or planned"), error);
    });
}

SegmentsPage::~SegmentsPage() = default;

void SegmentsPage::setConnection(const QString &uri)
{
    if (uri == m_uri)
        return;
    m_uri = uri;
    m_haveSurvey = false;
    m_stale = false;
    m_last = {};
    m_busy = false;
    m_progress->hide();
    m_error->clear();
    m_queue->setRowCount(0);
    m_schedule->setRowCount(0);
    m_queueEmpty->clear();
    m_scheduleEmpty->clear();
    m_chartTable.clear();
    m_chart->removeAllSeries();
    m_chartNote->clear();
    m_status->setText(statusText());
    m_surveyButton->setEnabled(!uri.isEmpty());
    m_archiveButton->setEnabled(false);
    m_compactButton->setEnabled(false);
    if (!uri.isEmpty() && isVisible())
        survey();
}

void SegmentsPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (!m_uri.isEmpty() && (!m_haveSurvey || m_stale) && !m_busy)
        survey();
}

void SegmentsPage::survey()
{
    if (m_uri.isEmpty() || m_busy)
        return;
    setBusy(true, tr("Surveying the segments of %1…").arg(m_uri));
    m_client->surveySegments(m_uri);
}

QString SegmentsPage::rememberedArchiveFolder()
{
    return QSettings().value(QLatin1String(kArchiveFolderKey)).toString();
}

void SegmentsPage::archive()
{
    if (m_uri.isEmpty() || m_busy)
        return;
    // Window-modal and not blocking: the engine's answers keep arriving.
    auto *dialog = new QFileDialog(this, tr("Folder for the archives"));
    dialog->setObjectName(QStringLiteral("archiveFolderDialog"));
    dialog->setFileMode(QFileDialog::Directory);
    dialog->setOption(QFileDialog::ShowDirsOnly);
    dialog->setAcceptMode(QFileDialog::AcceptOpen);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    const QString last = rememberedArchiveFolder();
    dialog->setDirectory(last.isEmpty() || !QDir(last).exists() ? QDir::homePath() : last);
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString &dir) {
        if (!dir.isEmpty())
            archiveTo(dir);
    });
    dialog->open();
}

void SegmentsPage::archiveTo(const QString &directory)
{
    if (m_uri.isEmpty() || m_busy)
        return;
    const QString dir = QDir(directory).absolutePath();
    QSettings().setValue(QLatin1String(kArchiveFolderKey), dir);
    m_error->clear();
    setBusy(true, tr("Planning the archive into %1…").arg(QDir::toNativeSeparators(dir)));
    m_client->planArchive(m_uri, dir);
}

void SegmentsPage::compact()
{
    if (m_uri.isEmpty() || m_busy)
        return;
    m_error->clear();
    setBusy(true, tr("Planning the compaction…"));
    m_client->planCompaction(m_uri);
}

void SegmentsPage::setBusy(bool busy, const QString &what)
{
    m_busy = busy;
    m_progress->setVisible(busy);
    m_surveyButton->setEnabled(!busy && !m_uri.isEmpty());
    m_archiveButton->setEnabled(!busy && m_haveSurvey && !m_last.survey.archiveQueue.empty());
    const bool merging = std::any_of(m_last.survey.tables.begin(), m_last.survey.tables.end(),
                                     [](const tidemark::TableSegments &t) { return t.settings.mergeBelowBytes > 0; });
    m_compactButton->setEnabled(!busy && m_haveSurvey && (!m_last.survey.compactionQueue.empty() || merging));
    if (busy)
        m_status->setText(what);
}

QString SegmentsPage::statusText() const
{
    if (m_uri.isEmpty())
        return tr("Choose a connection to see its log segments.");
    if (!m_haveSurvey)
        return tr("Not surveyed yet.");
    const auto &s = m_last.survey;
    QString text = tr("Surveyed %1: %n table(s), ", nullptr, int(s.tables.size())).arg(when(s.takenMs)) +
        tr("%n segment(s) to compact, ", nullptr, int(s.compactionQueue.size())) +
        tr("%n to archive.", nullptr, int(s.archiveQueue.size()));
    if (s.atPeak)
        text += QLatin1Char(' ') + tr("The database is at peak load: work waits.");
    return text;
}

QString SegmentsPage::compactionEmptyText() const
{
    return m_queueEmpty->text();
}
QString SegmentsPage::archiveEmptyText() const
{
    return m_scheduleEmpty->text();
}
QString SegmentsPage::errorText() const
{
    return m_error->text();
}

void SegmentsPage::showReply(const SegmentsReply &reply)
{
    m_last = reply;
    m_haveSurvey = true;
    m_stale = false;
    m_error->clear();
    fillQueue(reply);
    fillSchedule(reply);
    setBusy(false, QString());
    m_status->setText(statusText());
    Q_EMIT surveyShown();
}

void SegmentsPage::fillQueue(const SegmentsReply &reply)
{
    const auto &queue = reply.survey.compactionQueue;
    const QLocale locale;
    m_queue->setSortingEnabled(false);
    m_queue->setRowCount(int(queue.size()));
    for (int row = 0; row < int(queue.size()); ++row) {
        const auto &f = queue[std::size_t(row)];
        m_queue->setItem(row, 0, cell(toQString(f.table)));
        m_queue->setItem(row, 1, cell(toQString(f.partition)));
        m_queue->setItem(row, 2, number(locale.toString(f.priority, 'f', 1)));
        m_queue->setItem(row, 3, number(bytes(double(f.bytes))));
        const double share = f.bytes > 0 ? 100.0 * double(f.deadBytes) / double(f.bytes) : 0.0;
        m_queue->setItem(row, 4,
                         number(tr("%1 (%2 %)").arg(bytes(double(f.deadBytes)), locale.toString(share, 'f', 0))));
        m_queue->setItem(row, 5, number(bytes(f.growthBytesPerHour)));
        m_queue->setItem(row, 6, cell(stateText(f.state)));
        m_queue->setItem(row, 7, cell(toQString(f.priorityReason)));
    }
    m_queue->resizeColumnsToContents();
    if (reply.survey.tables.empty())
        m_queueEmpty->setText(tr("This connection has no range-partitioned table whose partitions could be log "
                                 "segments."));
    else if (queue.empty())
        m_queueEmpty->setText(tr("No sealed segment is due for compaction: none has reached its table's compact "
                                 "threshold."));
    else
        m_queueEmpty->clear();
    m_queueEmpty->setVisible(!m_queueEmpty->text().isEmpty());
    m_queue->setVisible(!queue.empty());
}

void SegmentsPage::fillSchedule(const SegmentsReply &reply)
{
    const auto &s = reply.survey;
    const QLocale locale;
    const QString previous = m_chartTable;
    m_schedule->setRowCount(int(s.tables.size()));
    int select = s.tables.empty() ? -1 : 0;
    for (int row = 0; row < int(s.tables.size()); ++row) {
        const auto &t = s.tables[std::size_t(row)];
        QStringList due;
        for (const auto &c : s.archiveQueue)
            if (c.table == t.table)
                due << toQString(c.partition);
        const bool on = t.settings.archiveThresholdBytes > 0;
        m_schedule->setItem(row, 0, cell(toQString(t.table)));
        m_schedule->setItem(row, 1, number(bytes(double(t.bytes))));
        m_schedule->setItem(row, 2, number(bytes(t.predictedBytes)));
        m_schedule->setItem(row, 3, number(tr("%1 – %2").arg(bytes(t.predictedLower95), bytes(t.predictedUpper95))));
        m_schedule->setItem(row, 4, number(on ? bytes(double(t.settings.archiveThresholdBytes)) : tr("off")));
        m_schedule->setItem(row, 5, cell(when(t.archiveByMs)));
        m_schedule->setItem(row, 6,
                            cell(!on                    ? tr("—")
                                     : t.crossingMs > 0 ? when(t.crossingMs)
                                                        : tr("not before the time to archive")));
        m_schedule->setItem(row, 7, cell(due.isEmpty() ? tr("none") : due.join(QLatin1String(", "))));
        if (toQString(t.table) == previous)
            select = row;
    }
    m_schedule->resizeColumnsToContents();
    if (s.tables.empty())
        m_scheduleEmpty->setText(tr("No log table to schedule."));
    else if (s.archiveQueue.empty())
        m_scheduleEmpty->setText(tr("No sealed segment is due for archival: every table stays under its threshold "
                                    "until its time to archive (or has none set)."));
    else
        m_scheduleEmpty->clear();
    m_scheduleEmpty->setVisible(!m_scheduleEmpty->text().isEmpty());
    m_schedule->setVisible(!s.tables.empty());
    if (select >= 0) {
        m_schedule->setCurrentCell(select, 0);
        showChart(m_schedule->item(select, 0)->text());
    } else {
        m_chartTable.clear();
        m_chart->removeAllSeries();
        m_chartNote->setText(tr("No table to chart."));
    }
}

void SegmentsPage::showChart(const QString &table)
{
    m_chartTable = table;
    m_chart->removeAllSeries();
    for (QAbstractAxis *axis : m_chart->axes()) {
        m_chart->removeAxis(axis);
        delete axis;
    }
    const auto &tables = m_last.survey.tables;
    const auto it = std::find_if(tables.begin(), tables.end(),
                                 [&](const tidemark::TableSegments &t) { return toQString(t.table) == table; });
    if (it == tables.end())
        return;
    const tidemark::TableSegments &t = *it;
    QList<QPointF> history;
    if (auto h = m_last.sizeHistory.find(t.table); h != m_last.sizeHistory.end())
        for (const auto &p : h->second)
            history.append(QPointF(double(p.timestampMs), p.bytes));
    // The survey's own reading now closes the history (it may be newer than the samples).
    const double nowX = double(m_last.survey.takenMs);
    if (history.isEmpty() || history.last().x() < nowX)
        history.append(QPointF(nowX, double(t.bytes)));
    const QPointF from = history.last();
    const double toX = double(t.archiveByMs);
    auto *size = line(history, tr("Size"), m_chart);
    auto *predicted = line({from, QPointF(toX, t.predictedBytes)}, tr("Predicted at the time to archive"), m_chart);
    predicted->setPen(QPen(predicted->pen().color(), 2, Qt::DashLine));
    auto *upper = line({from, QPointF(toX, t.predictedUpper95)}, QString(), m_chart);
    auto *lower = line({from, QPointF(toX, t.predictedLower95)}, QString(), m_chart);
    auto *band = new QAreaSeries(upper, lower);
    upper->setParent(band); // the band's edges go with it
    lower->setParent(band);
    band->setName(tr("95 % band"));
    band->setOpacity(0.25);
    QList<QAbstractSeries *> series{band, size, predicted};
    double top = std::max(t.predictedUpper95, double(t.bytes));
    for (const auto &p : std::as_const(history))
        top = std::max(top, p.y());
    const auto threshold = double(t.settings.archiveThresholdBytes);
    if (threshold > 0) {
        auto *limit =
            line({QPointF(history.first().x(), threshold), QPointF(toX, threshold)}, tr("Archive threshold"), m_chart);
        limit->setPen(QPen(Qt::red, 1.5, Qt::DotLine));
        series.append(limit);
        top = std::max(top, threshold);
    }
    auto *x = new QDateTimeAxis;
    x->setFormat(QStringLiteral("dd MMM"));
    x->setTitleText(tr("Time"));
    auto *y = new QValueAxis;
    y->setTitleText(tr("MiB"));
    y->setLabelFormat(QStringLiteral("%.0f"));
    m_chart->addAxis(x, Qt::AlignBottom);
    m_chart->addAxis(y, Qt::AlignLeft);
    for (QAbstractSeries *s : series) {
        // Drawn in MiB so the axis reads as sizes.
        if (auto *l = qobject_cast<QLineSeries *>(s)) {
            QList<QPointF> scaled = l->points();
            for (QPointF &p : scaled)
                p.setY(p.y() / (1024.0 * 1024.0));
            l->replace(scaled);
        }
        m_chart->addSeries(s);
        s->attachAxis(x);
        s->attachAxis(y);
    }
    for (QLineSeries *edge : {upper, lower}) {
        QList<QPointF> scaled = edge->points();
        for (QPointF &p : scaled)
            p.setY(p.y() / (1024.0 * 1024.0));
        edge->replace(scaled);
    }
    x->setRange(QDateTime::fromMSecsSinceEpoch(qint64(history.first().x())),
                QDateTime::fromMSecsSinceEpoch(qint64(toX)));
    y->setRange(0, top * 1.1 / (1024.0 * 1024.0));
    m_chart->setTitle(tr("%1: size and forecast").arg(table));
    QString note = tr("Predicted at %1: %2 (95 %: %3 – %4), model %5.")
                       .arg(when(t.archiveByMs), bytes(t.predictedBytes), bytes(t.predictedLower95),
                            bytes(t.predictedUpper95), toQString(t.predictionModel));
    if (threshold > 0)
        note += QLatin1Char(' ') +
            (t.crossingMs > 0 ? tr("Passes its threshold of %1 at %2.").arg(bytes(threshold), when(t.crossingMs))
                              : tr("Stays under its threshold of %1.").arg(bytes(threshold)));
    else
        note += QLatin1Char(' ') + tr("No archive threshold is set for this table.");
    if (!t.predictionNote.empty())
        note += QLatin1Char(' ') + toQString(t.predictionNote);
    m_chartNote->setText(note);
}

} // namespace tidemark::ui
