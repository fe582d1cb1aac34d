#pragma once
// "Copy to node…" / "Move to node…" of a partition: asks which node of the
// catalogue receives it. The catalogue is read through EngineClient when the
// dialog opens; the plan itself is asked for by whoever opened it.
#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;

namespace tidemark::ui {

class EngineClient;

class CopyToNodeDialog : public QDialog {
    Q_OBJECT
public:
    CopyToNodeDialog(EngineClient *client, const QString &uri, const QString &table, const QString &partition,
                     bool move, QWidget *parent = nullptr);

    QComboBox *nodeBox() const { return m_nodes; }
    /// The chosen node's name ("" when the catalogue has none to offer).
    QString node() const;
    bool isMove() const { return m_move; }
    /// True once the catalogue has been read.
    bool isReady() const { return m_ready; }

private:
    bool m_move;
    bool m_ready = false;
    QLabel *m_note;
    QComboBox *m_nodes;
    QDialogButtonBox *m_buttons;
};

} // namespace tidemark::ui
