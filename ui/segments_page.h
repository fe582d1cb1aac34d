#pragma once
// Compaction queue: the log segments of the connection as the engine's
// segment survey sees them (EngineClient::surveySegments, on its pool) — the
// sealed segments queued for compaction with priority and reason, the
// archive schedule per table (predicted size at its time to archive with the
// 95 % band, threshold, crossing, the segments to archive), a chart of the
// selected table's size and forecast against its threshold, and Archive…,
// which plans the archive queue into a folder and hands the plan to Plan
// review for approval.
#include <QWidget>

#include "engine_types.h"

class QChart;
class QChartView;
class QHBoxLayout;
class QLabel;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace tidemark::ui {

class EngineClient;
class ErrorBanner;

class SegmentsPage : public QWidget {
    Q_OBJECT
public:
    explicit SegmentsPage(EngineClient *client, QWidget *parent = nullptr);
    ~SegmentsPage() override;

    void setConnection(const QString &uri);
    bool hasSurvey() const { return m_haveSurvey; }
    const SegmentsReply &lastSurvey() const { return m_last; }
    QTableWidget *compactionTable() const { return m_queue; }
    QTableWidget *scheduleTable() const { return m_schedule; }
    QChart *chart() const { return m_chart; }
    /// The table the chart shows ("" when none).
    QString chartTable() const { return m_chartTable; }
    QString statusText() const;
    QString compactionEmptyText() const;
    QString archiveEmptyText() const;
    QString errorText() const;
    /// Where Archive… writes (the folder last chosen, remembered in settings).
    static QString rememberedArchiveFolder();

public Q_SLOTS:
    void survey();
    /// Asks for the target folder, then plans the archive there.
    void archive();
    /// Plans the archive queue into `directory` (absolute) and shows the plan.
    void archiveTo(const QString &directory);
    /// Plans the compaction queue (and merges of small sealed segments) and shows the plan.
    void compact();

Q_SIGNALS:
    void surveyShown();
    /// A stored archive or compaction plan to review and approve (the window opens Plan review).
    void reviewPlanRequested(qint64 planId);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void setBusy(bool busy, const QString &what);
    void showReply(const SegmentsReply &reply);
    void fillQueue(const SegmentsReply &reply);
    void fillSchedule(const SegmentsReply &reply);
    void showChart(const QString &table);

    EngineClient *m_client;
    QString m_uri;
    SegmentsReply m_last;
    bool m_haveSurvey = false;
    bool m_stale = false; ///< a plan ran on the connection since the survey shown
    bool m_busy = false;
    QString m_chartTable;
    QLabel *m_status;
    QProgressBar *m_progress;
    ErrorBanner *m_error;
    QHBoxLayout *m_actions; ///< Survey now, Archive…, Plan compaction
    QPushButton *m_surveyButton;
    QPushButton *m_archiveButton;
    QPushButton *m_compactButton;
    QLabel *m_queueEmpty;
    QTableWidget *m_queue;
    QLabel *m_scheduleEmpty;
    QTableWidget *m_schedule;
    QLabel *m_chartNote;
    QChart *m_chart;
    QChartView *m_view;
};

} // namespace tidemark::ui
