#include "forecast_page.h"

#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <QValueAxis>

#include <cmath>

#include "engine_client.h"

namespace tidemark::ui {

namespace {

/// Steps of history drawn before the forecast: two weeks of hours.
constexpr int kHistoryShown = 14 * 24;

/// Turns the engine's answer into what the page draws (GUI thread; a few
/// hundred points).
ForecastPageResult present(const SeriesForecastReply &reply)
{
    ForecastPageResult r;
    r.uri = reply.request.uri;
    r.table = reply.request.table;
    r.partition = reply.request.partition;
    r.writes = reply.request.writes;
    if (reply.noSamples) {
        r.error = ForecastPage::tr("No samples for this connection yet.");
        return r;
    }
    if (!reply.forecast) {
        r.error = reply.error.text();
        return r;
    }
    const StoredSeriesForecast *f = &*reply.forecast;
    const std::size_t from = f->history.size() > kHistoryShown ? f->history.size() - kHistoryShown : 0;
    for (std::size_t i = from; i < f->history.size(); ++i)
        if (std::isfinite(f->history[i]))
            r.history.append(QPointF(double(f->historyMs[i]), f->history[i]));
    const auto &fc = f->forecast;
    for (std::size_t i = 0; i < fc.mean.size() && i < f->forecastMs.size(); ++i) {
        const double x = double(f->forecastMs[i]);
        r.mean.append(QPointF(x, fc.mean[i]));
        r.lower80.append(QPointF(x, fc.lower80[i]));
        r.upper80.append(QPointF(x, fc.upper80[i]));
        r.lower95.append(QPointF(x, fc.lower95[i]));
        r.upper95.append(QPointF(x, fc.upper95[i]));
    }
    r.model = QString::fromStdString(fc.model);
    r.holdoutMase = fc.holdoutMase ? *fc.holdoutMase : -1.0;
    r.note = QString::fromStdString(fc.note);
    if (f->planner) {
        r.plannerBasis = QString::fromStdString(PreBackupPlanner::writesBasis(&*f->planner));
        r.keepsMissing = f->planner->keepsMissing;
    }
    r.trackedChecks = static_cast<int>(f->trackedChecks.size());
    for (const auto &c : f->trackedChecks)
        r.trackedMisses += c.missed ? 1 : 0;
    if (!f->trackedChecks.empty()) {
        const auto &last = f->trackedChecks.back();
        r.lastWindowStartMs = last.windowStartMs;
        r.lastWindowEndMs = last.windowEndMs;
        r.lastActual = last.actual;
        r.lastLower95 = last.lower95;
        r.lastUpper95 = last.upper95;
        r.lastMissed = last.missed;
    }
    return r;
}

/// The checks of the recorded forecasts of one partition's writes, in words.
QString trackingSummary(const ForecastPageResult &r)
{
    if (r.trackedChecks == 0)
        return ForecastPage::tr("Tracked forecasts: none checked yet. The pre-backup planner records the forecast it "
                                "is given; scans check it against the samples once its window has passed.");
    const QLocale locale;
    const auto time = [&](qint64 ms) {
        return locale.toString(QDateTime::fromMSecsSinceEpoch(ms), QLocale::ShortFormat);
    };
    return ForecastPage::tr("Tracked forecasts: %1 checked, %2 outside their 95 % band. Last check (%3 – %4): %5 "
                            "writes against a band of %6–%7, %8.")
        .arg(r.trackedChecks)
        .arg(r.trackedMisses)
        .arg(time(r.lastWindowStartMs), time(r.lastWindowEndMs), locale.toString(r.lastActual, 'f', 0),
             locale.toString(r.lastLower95, 'f', 0), locale.toString(r.lastUpper95, 'f', 0),
             r.lastMissed ? ForecastPage::tr("a miss") : ForecastPage::tr("a hit"));
}

QLineSeries *line(const QList<QPointF> &points, const QString &name, QObject *parent)
{
    auto *s = new QLineSeries(parent);
    s->setName(name);
    s->append(points);
    return s;
}

} // namespace

ForecastPage::ForecastPage(EngineClient *client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_table(new QComboBox(this))
    , m_partition(new QComboBox(this))
    , m_metric(new QComboBox(this))
    , m_horizon(new QSpinBox(this))
    , m_run(new QPushButton(tr("Forecast"), this))
    , m_summary(new QLabel(this))
    , m_planner(new QLabel(this))
    , m_tracking(new QLabel(this))
    , m_chart(new QChart)
    , m_view(new QChartView(m_chart, this))
{
    m_metric->addItem(tr("Writes per hour"), true);
    m_metric->addItem(tr("Size (bytes)"), false);
    m_horizon->setRange(1, 24 * 28);
    m_horizon->setValue(48);
    m_horizon->setSuffix(tr(" h"));
    m_horizon->setToolTip(tr("How many hours ahead to forecast"));
    m_table->setToolTip(tr("Table"));
    m_partition->setToolTip(tr("Partition, or the whole table"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_planner->setWordWrap(true);
    m_planner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_planner->setObjectName(QStringLiteral("plannerBasis"));
    m_tracking->setWordWrap(true);
    m_tracking->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_tracking->setObjectName(QStringLiteral("trackedChecks"));
    m_summary->setText(tr("Choose a table or partition and press Forecast."));
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setMinimumHeight(280);
    m_chart->legend()->setAlignment(Qt::AlignBottom);

    auto *form = new QHBoxLayout;
    auto *tableLabel = new QLabel(tr("Table:"), this);
    auto *partitionLabel = new QLabel(tr("Partition:"), this);
    auto *metricLabel = new QLabel(tr("Series:"), this);
    auto *horizonLabel = new QLabel(tr("Horizon:"), this);
    for (auto [label, w] : {std::pair<QLabel *, QWidget *>{tableLabel, m_table},
                            {partitionLabel, m_partition},
                            {metricLabel, m_metric},
                            {horizonLabel, m_horizon}}) {
        label->setBuddy(w);
        form->addWidget(label);
        form->addWidget(w, 1);
    }
    form->addWidget(m_run);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_summary);
    layout->addWidget(m_planner);
    layout->addWidget(m_tracking);
    layout->addWidget(m_view, 1);

    connect(m_client, &EngineClient::scanned, this, &ForecastPage::showSnapshot);
    connect(m_table, &QComboBox::currentIndexChanged, this, [this] { fillPartitions(); });
    connect(m_run, &QPushButton::clicked, this, &ForecastPage::runForecast);
    connect(m_client, &EngineClient::seriesForecast, this, [this](const SeriesForecastReply &reply) {
        if (reply.request.id != m_requestId)
            return; // another page's, or one this page no longer waits for
        m_running = false;
        showResult(present(reply));
        if (std::exchange(m_rerun, false))
            runForecast();
    });
}

// The forecast runs in the engine; an answer after the page is gone finds no receiver.
ForecastPage::~ForecastPage() = default;

void ForecastPage::setConnection(const QString &uri)
{
    if (uri == m_uri)
        return;
    m_uri = uri;
    m_haveSnapshot = false;
    m_pendingTable.clear();
    m_pendingPartition.clear();
    m_table->clear();
    m_partition->clear();
    // The partition list comes with a scan; a hidden page waits for the
    // heatmap's scans or for being shown.
    if (!uri.isEmpty() && isVisible())
        m_client->scan(uri);
}

void ForecastPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (!m_uri.isEmpty() && !m_haveSnapshot)
        m_client->scan(m_uri);
}

void ForecastPage::setHorizonHours(int hours)
{
    m_horizon->setValue(hours);
}

QString ForecastPage::summaryText() const
{
    return m_summary->text();
}

QString ForecastPage::plannerText() const
{
    return m_planner->text();
}

QString ForecastPage::trackingText() const
{
    return m_tracking->text();
}

void ForecastPage::showSnapshot(const ScanSnapshot &snap)
{
    if (snap.uri != m_uri)
        return;
    const bool first = !m_haveSnapshot;
    m_snapshot = snap;
    m_haveSnapshot = true;
    if (!first)
        return; // keep the user's choice; the lists change only with the layout
    fillTables(snap);
    if (!m_pendingTable.isEmpty())
        selectPartition(std::exchange(m_pendingTable, QString()), std::exchange(m_pendingPartition, QString()));
}

void ForecastPage::fillTables(const ScanSnapshot &snap)
{
    const QString keep = m_table->currentText();
    m_table->blockSignals(true);
    m_table->clear();
    for (const auto &t : snap.scan.tables)
        m_table->addItem(QString::fromStdString(t.name));
    m_table->blockSignals(false);
    if (const int i = m_table->findText(keep); i >= 0)
        m_table->setCurrentIndex(i);
    fillPartitions();
}

void ForecastPage::fillPartitions()
{
    m_partition->clear();
    m_partition->addItem(tr("(whole table)"), QString());
    for (const auto &t : m_snapshot.scan.tables)
        if (QString::fromStdString(t.name) == m_table->currentText())
            for (const auto &p : t.partitions)
                m_partition->addItem(QString::fromStdString(p.name), QString::fromStdString(p.name));
}

void ForecastPage::selectPartition(const QString &table, const QString &partition)
{
    if (!m_haveSnapshot) {
        // The partition list comes with the next scan (one starts when the
        // page is shown).
        m_pendingTable = table;
        m_pendingPartition = partition;
        m_summary->setText(tr("Waiting for the partition list of %1…").arg(table));
        return;
    }
    if (const int i = m_table->findText(table); i >= 0)
        m_table->setCurrentIndex(i);
    if (const int i = m_partition->findData(partition); i >= 0)
        m_partition->setCurrentIndex(i);
    runForecast();
}

void ForecastPage::runForecast()
{
    if (m_running) {
        m_rerun = true;
        return;
    }
    ForecastRequest request;
    request.uri = m_uri;
    request.table = m_table->currentText();
    request.partition = m_partition->currentData().toString();
    request.writes = m_metric->currentData().toBool();
    request.horizon = m_horizon->value();
    if (request.uri.isEmpty() || request.table.isEmpty() || m_client->storePath().isEmpty()) {
        m_summary->setText(tr("Choose a connection with a partitioned table first."));
        return;
    }
    if (!request.partition.isEmpty()) {
        request.partitions.push_back(request.partition.toStdString());
    } else {
        for (const auto &t : m_snapshot.scan.tables)
            if (QString::fromStdString(t.name) == request.table)
                for (const auto &p : t.partitions)
                    request.partitions.push_back(p.name);
    }
    // Numbers unique across pages: the reply signal reaches every listener.
    static quint64 s_nextRequest = 0;
    request.id = m_requestId = ++s_nextRequest;
    m_running = true;
    m_summary->setText(tr("Forecasting…"));
    m_run->setEnabled(false);
    m_client->forecastSeries(request);
}

void ForecastPage::showResult(const ForecastPageResult &r)
{
    m_run->setEnabled(true);
    m_last = r;
    m_chart->removeAllSeries();
    for (QAbstractAxis *axis : m_chart->axes()) {
        m_chart->removeAxis(axis);
        delete axis;
    }
    const QString what = r.partition.isEmpty() ? r.table : r.table + QLatin1Char('.') + r.partition;
    if (!r.error.isEmpty()) {
        m_shown = false;
        m_summary->setText(tr("No forecast for %1: %2").arg(what, r.error));
        m_planner->clear();
        m_tracking->clear();
        return;
    }
    auto *upper95 = line(r.upper95, QString(), nullptr);
    auto *lower95 = line(r.lower95, QString(), nullptr);
    auto *band95 = new QAreaSeries(upper95, lower95);
    upper95->setParent(band95); // the area does not own its edges
    lower95->setParent(band95);
    band95->setName(tr("95 % interval"));
    band95->setColor(QColor(70, 130, 180, 60));
    band95->setBorderColor(QColor(70, 130, 180, 60));
    auto *upper80 = line(r.upper80, QString(), nullptr);
    auto *lower80 = line(r.lower80, QString(), nullptr);
    auto *band80 = new QAreaSeries(upper80, lower80);
    upper80->setParent(band80);
    lower80->setParent(band80);
    band80->setName(tr("80 % interval"));
    band80->setColor(QColor(70, 130, 180, 110));
    band80->setBorderColor(QColor(70, 130, 180, 110));
    auto *history = line(r.history, tr("History"), nullptr);
    auto *mean = line(r.mean, tr("Forecast"), nullptr);
    QPen pen(QColor(25, 70, 140));
    pen.setWidthF(2.0);
    mean->setPen(pen);
    auto *x = new QDateTimeAxis;
    x->setFormat(QStringLiteral("dd.MM. hh:mm"));
    x->setTickCount(8);
    auto *y = new QValueAxis;
    y->setTitleText(r.writes ? tr("writes per hour") : tr("bytes"));
    y->setLabelFormat(QStringLiteral("%.0f"));
    m_chart->addAxis(x, Qt::AlignBottom);
    m_chart->addAxis(y, Qt::AlignLeft);
    for (QAbstractSeries *s : std::initializer_list<QAbstractSeries *>{band95, band80, history, mean}) {
        m_chart->addSeries(s);
        s->attachAxis(x);
        s->attachAxis(y);
    }
    // The axis would otherwise follow the first series only (a band).
    const double left = r.history.isEmpty() ? (r.mean.isEmpty() ? 0.0 : r.mean.first().x()) : r.history.first().x();
    const double right = r.mean.isEmpty() ? left + 1.0 : r.mean.last().x();
    x->setRange(QDateTime::fromMSecsSinceEpoch(qint64(left)), QDateTime::fromMSecsSinceEpoch(qint64(right)));
    double top = 0.0;
    for (const auto *points : {&r.history, &r.upper95})
        for (const QPointF &p : *points)
            top = std::max(top, p.y());
    y->setRange(0.0, top > 0.0 ? top * 1.05 : 1.0);
    m_chart->setTitle(what);
    const QString mase = r.holdoutMase >= 0.0 ? QString::number(r.holdoutMase, 'f', 2) : tr("not measured");
    QString text = tr("%1: model %2, hold-out MASE %3").arg(what, r.model, mase);
    if (!r.note.isEmpty())
        text += QStringLiteral(" (") + r.note + QLatin1Char(')');
    m_summary->setText(text);
    if (!r.plannerBasis.isEmpty())
        m_planner->setText(r.keepsMissing ? tr("Pre-backup planner: %1 — the forecast keeps missing, so the reactive "
                                               "rules apply.")
                                                .arg(r.plannerBasis)
                                          : tr("Pre-backup planner: %1").arg(r.plannerBasis));
    else
        m_planner->clear();
    m_tracking->setText(r.plannerBasis.isEmpty() ? QString() : trackingSummary(r));
    m_shown = true;
    emit forecastShown();
}

} // namespace tidemark::ui
