#pragma once
// A plugin implementing the first interface id, as Tidemark 0.1 built it.
// Discovery must refuse it by its metadata alone.
#include <QObject>
#include <QtPlugin>

class OldIidPlugin : public QObject {
    Q_OBJECT
    Q_PLUGIN_METADATA(IID "org.tidemark.Connector/1" FILE "old_iid.json")
};
