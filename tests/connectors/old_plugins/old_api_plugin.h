#pragma once
// A plugin as an older Tidemark built it: the current interface id but
// connector API 1 in its metadata. Discovery must refuse it by its metadata
// alone, so it implements nothing.
#include <QObject>
#include <QtPlugin>

class OldApiPlugin : public QObject {
    Q_OBJECT
    Q_PLUGIN_METADATA(IID "org.tidemark.Connector/2" FILE "old_api.json")
};
