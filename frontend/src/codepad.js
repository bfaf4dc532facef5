// The code pad: a CodeMirror 6 editor for Python, exposed to the page as window.CodePad.
import { EditorView, basicSetup } from "codemirror";
import { python } from "@codemirror/lang-python";
import { indentUnit } from "@codemirror/language";
import { EditorState } from "@codemirror/state";

function create(parent, text, onChange) {
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: text,
      extensions: [
        basicSetup,
        python(),
        indentUnit.of("    "),
        EditorView.updateListener.of((update) => {
          if (update.docChanged && onChange) onChange(update.state.doc.toString());
        }),
      ],
    }),
  });
  return {
    view,
    getText: () => view.state.doc.toString(),
    setText: (value) =>
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: value } }),
  };
}

window.CodePad = { create, kind: "codemirror" };
