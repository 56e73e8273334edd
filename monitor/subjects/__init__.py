"""Subjects: one real-world person, organisation or vessel across the lists it is on.

``evidence`` says what an entry shares with others (pure); ``linking`` links the
entries of each applied version into subjects (an apply hook) and can rebuild
them all; ``views`` answers what reports, history and alerts ask of them.
"""
