class Explainer:
    pass


class Explanation:
    pass
