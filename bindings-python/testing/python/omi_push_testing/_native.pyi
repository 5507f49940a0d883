from typing import List, Tuple, final

__version__: str

def take_events() -> List[Tuple[int, str, float, str, int]]: ...

@final
class SimHandle:
    """A running simulator, JSON in and out (see ``omi_push.testing.Simulator``)."""

    @staticmethod
    def start(config_json: str) -> SimHandle: ...
    def request(self, request_json: str) -> str: ...
    def stop(self) -> None: ...
