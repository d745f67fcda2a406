"""The what-if lab: batches of AI-vs-AI games (`runner`), their tables (`summary`), a baseline
against a variant (`explore`) and plots of both (`plots`)."""
