# Type hints of the bertq package (python/bertq/__init__.py and the extension bertq._bertq).
# Defaults are written as ... : they are the C++ library's own (python/src/*.cc).
import os
from typing import Any, Callable, Literal, overload

_Path = str | os.PathLike[str]

class Error(RuntimeError):
    code: str  # the kind (error_code_name): "not found", "corrupt file", "invalid argument", ...

class InvalidArgumentError(Error, ValueError): ...

class Prediction:
    @property
    def label_id(self) -> int: ...
    @property
    def label(self) -> str: ...
    @property
    def score(self) -> float: ...
    @property
    def logits(self) -> list[float]: ...
    @property
    def probs(self) -> list[float]: ...

class Classifier:
    def __init__(
        self,
        model: _Path,
        threads: int = ...,
        compute: Literal["fp32", "bf16"] = ...,
        max_length: int | None = ...,
        truncation: Literal["head", "tail", "head+tail"] | None = ...,
        head_tokens: int | None = ...,
        batch_size: int = ...,
    ) -> None: ...
    @overload
    def predict(
        self, inputs: str, return_all: Literal[False] = ..., return_probs: bool = ...
    ) -> list[dict[str, Any]]: ...
    @overload
    def predict(
        self, inputs: list[str], return_all: Literal[False] = ..., return_probs: bool = ...
    ) -> list[dict[str, Any]]: ...
    @overload
    def predict(
        self, inputs: str, return_all: Literal[True], return_probs: bool = ...
    ) -> list[dict[str, Any]]: ...
    @overload
    def predict(
        self, inputs: list[str], return_all: Literal[True], return_probs: bool = ...
    ) -> list[list[dict[str, Any]]]: ...
    __call__ = predict
    def predict_batch(self, texts: list[str]) -> list[Prediction]: ...
    @property
    def model_dir(self) -> str: ...
    @property
    def labels(self) -> list[str]: ...
    @property
    def batch_size(self) -> int: ...
    @property
    def tokenization(self) -> dict[str, Any]: ...

class Encoding:
    @property
    def ids(self) -> list[int]: ...
    @property
    def type_ids(self) -> list[int]: ...
    @property
    def attention_mask(self) -> list[int]: ...
    @property
    def offsets(self) -> list[tuple[int, int]]: ...
    @property
    def overflowing(self) -> list[Encoding]: ...
    def __len__(self) -> int: ...

class Tokenizer:
    def __init__(self, path: _Path) -> None: ...
    def encode(
        self,
        text: str,
        pair: str | None = ...,
        *,
        max_length: int = ...,
        truncation: Literal["head", "tail", "head+tail", "longest_first"] = ...,
        head_tokens: int = ...,
        add_special_tokens: bool = ...,
        return_offsets: bool = ...,
        stride: int = ...,
        return_overflow: bool = ...,
    ) -> Encoding: ...
    def encode_batch(
        self,
        texts: list[str],
        *,
        max_length: int = ...,
        truncation: Literal["head", "tail", "head+tail", "longest_first"] = ...,
        head_tokens: int = ...,
        add_special_tokens: bool = ...,
        return_offsets: bool = ...,
        threads: int = ...,
    ) -> list[Encoding]: ...
    def decode(self, ids: list[int], skip_special_tokens: bool = ...) -> str: ...
    def tokens(self, ids: list[int]) -> list[str]: ...
    def token_to_id(self, token: str) -> int | None: ...
    @property
    def vocab_size(self) -> int: ...
    @property
    def pad_id(self) -> int: ...
    @property
    def cls_id(self) -> int: ...
    @property
    def sep_id(self) -> int: ...
    @property
    def unk_id(self) -> int: ...
    @property
    def mask_id(self) -> int: ...
    @property
    def model_max_length(self) -> int: ...

def quantize(
    model: _Path,
    out: _Path,
    *,
    scheme: Literal["dynamic", "static"] = ...,
    embeddings: Literal["int8", "fp32"] = ...,
    activation_range: Literal["127", "255"] = ...,
    keep_fp32: list[str] = ...,
    calibration: str | None = ...,
    samples: int = ...,
    observer: Literal["minmax", "percentile", "mse"] = ...,
    percentile: float = ...,
    eval: str | None = ...,
    eval_samples: int = ...,
    max_length: int | None = ...,
    seed: int = ...,
    sensitivity: bool = ...,
    max_drop: float | None = ...,
    min_agreement: float | None = ...,
    force: bool = ...,
    progress: Callable[[str], None] | None = ...,
) -> dict[str, Any]: ...
