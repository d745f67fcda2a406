"""The what-if lab: batches of AI-vs-AI games (`runner`), the columns of their rows (`reporters`,
with the file's measures in `measures`), their tables (`summary`), a baseline against a variant
(`explore`) and plots of both (`plots`)."""
