"""What reading an annotation export gives (:class:`~sandbox.io.importers.base.ImportedAnswers`),
the shared checks of ids, labels and files, the duplicate-answer policy, and telling an export's
format from its content (:mod:`~sandbox.io.importers.detect`). The readers themselves belong to the
task kinds (``sandbox.kinds.<kind>.readers``): a kind knows what an answer of its kind looks like in
each format."""
