"""The assistant's evaluation set: questions, a plain-pandas oracle for their figures, and the harness.

``questions.jsonl`` is the development split (tuned against); ``heldout.jsonl`` (first round) and
``heldout2.jsonl`` (second round, written before its fixes) are never looked at while tuning. ``oracle`` computes every expected figure from the canonical frame with plain pandas
(it imports nothing from ``tools``' metric code); ``harness`` asks the questions and checks answers.
"""
