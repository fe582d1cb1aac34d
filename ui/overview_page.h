#pragma once
// The first page: what the connection holds and what needs attention.
#include <QWidget>

#include "engine_types.h"

class QLabel;
class QListWidget;
class QSortFilterProxyModel;
class QTableView;

namespace tidemark::ui {

class EngineClient;
class PartitionTableModel;

class OverviewPage : public QWidget {
    Q_OBJECT
public:
    explicit OverviewPage(EngineClient *client, QWidget *parent = nullptr);
    void setConnection(const QString &uri);
    PartitionTableModel *partitionModel() const { return m_model; }
    /// How many partitions' recorded write forecasts keep missing, in words.
    QString forecastTrackingText() const;

Q_SIGNALS:
    void reviewPlanRequested(qint64 planId);
    void partitionActivated(const QString &table, const QString &partition);

private:
    void showSnapshot(const ScanSnapshot &snap);

    EngineClient *m_client;
    QString m_uri;
    QLabel *m_connection;
    QLabel *m_tables;
    QLabel *m_partitions;
    QLabel *m_size;
    QLabel *m_state;
    QLabel *m_forecasts;
    QListWidget *m_plans;
    PartitionTableModel *m_model;
    QSortFilterProxyModel *m_hottest;
    QTableView *m_view;
};

} // namespace tidemark::ui
